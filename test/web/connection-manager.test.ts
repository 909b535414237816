import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionManager, type ChatStreamEvent, type ConnectionStatus } from '../../src/web/lib/socket.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * The browser's connection manager against the real server (real Socket.IO, fake Ollama): status from
 * the Manager's events, rooms rejoined and answers resumed after every reconnection, tokens delivered
 * exactly once, nothing sent while offline.
 */
describe('ConnectionManager', () => {
  let server: TestServer;
  const managers: ConnectionManager[] = [];

  beforeEach(async () => {
    server = await startTestServer({ GENERATION_GRACE_SECONDS: 30 });
  });

  afterEach(async () => {
    for (const manager of managers.splice(0)) manager.close();
    await server.close();
  });

  function connect(options: { token?: string } = {}): ConnectionManager {
    const manager = new ConnectionManager({
      url: server.url,
      token: options.token,
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      socketOptions: { forceNew: true, transports: ['websocket'] },
    });
    managers.push(manager);
    return manager;
  }

  function waitForStatus(manager: ConnectionManager, wanted: ConnectionStatus, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`status never became ${wanted} (is ${manager.status})`));
      }, timeoutMs);
      const stop = manager.onStatus((status) => {
        if (status !== wanted) return;
        clearTimeout(timer);
        queueMicrotask(() => stop());
        resolve();
      });
    });
  }

  /** Collects one chat's events until its answer completes or fails. */
  function collect(manager: ConnectionManager, chatId: number, onEvent?: (event: ChatStreamEvent) => void) {
    const events: ChatStreamEvent[] = [];
    const done = new Promise<ChatStreamEvent[]>((resolve) => {
      const stop = manager.subscribeChat(chatId, (event) => {
        events.push(event);
        onEvent?.(event);
        if (event.type === 'complete' || event.type === 'error' || event.type === 'resume-failed') {
          stop();
          resolve(events);
        }
      });
    });
    return { events, done };
  }

  it('reports connecting, then connected, then reconnecting and connected again after a drop and after a kick', async () => {
    const manager = connect();
    const seen: ConnectionStatus[] = [];
    manager.onStatus((status) => seen.push(status));
    await waitForStatus(manager, 'connected');

    const reconnecting = waitForStatus(manager, 'reconnecting');
    server.gateway.io.disconnectSockets(true); // the transport closes, as on a network drop
    await reconnecting;
    await waitForStatus(manager, 'connected');

    const kicked = waitForStatus(manager, 'reconnecting');
    server.gateway.io.disconnectSockets(false); // `io server disconnect`: socket.io-client would stay down
    await kicked;
    await waitForStatus(manager, 'connected');

    expect(seen).toEqual(['connecting', 'connected', 'reconnecting', 'connected', 'reconnecting', 'connected']);
  });

  it('rejoins the project room after reconnecting, so room events keep arriving', async () => {
    const { projectId } = await createProjectAndChat(server);
    const manager = connect();
    await waitForStatus(manager, 'connected');
    const joined = new Promise((resolve) => manager.socket.once('project_joined', resolve));
    const release = manager.joinProject(projectId);
    await joined;

    const rejoined = new Promise((resolve) => manager.socket.once('project_joined', resolve));
    server.gateway.io.disconnectSockets(true);
    await rejoined;
    expect(server.gateway.connections.snapshot().map((connection) => connection.project_id)).toEqual([projectId]);

    const update = new Promise((resolve) => manager.on('project_update', resolve));
    const created = await server.api('POST', '/api/chats', { project_id: projectId, title: 'After the drop' });
    expect(await update).toMatchObject({ type: 'chat_created', data: { chat_id: created.body.id, title: 'After the drop' } });

    // Releasing the last claim leaves the room.
    const left = new Promise((resolve) => manager.socket.once('project_left', resolve));
    release();
    await left;
    expect(server.gateway.connections.snapshot().map((connection) => connection.project_id)).toEqual([null]);
  });

  it('resumes a streaming answer after a drop: every token exactly once, in order, then complete', async () => {
    const { chatId } = await createProjectAndChat(server);
    const manager = connect();
    await waitForStatus(manager, 'connected');
    server.ollama.queue({ tokenCount: 200, tokenDelayMs: 5 });

    let dropped = false;
    const { done } = collect(manager, chatId, (event) => {
      // Drop the connection twice while tokens are flowing.
      if (event.type === 'token' && (event.seq === 40 || event.seq === 120) && !dropped) {
        dropped = event.seq === 120;
        server.gateway.io.disconnectSockets(true);
      }
    });
    expect(manager.sendMessage({ chat_id: chatId, message: 'Count for me' })).toBe(true);
    const events = await done;

    const tokens = events.filter((event) => event.type === 'token');
    expect(tokens.map((event) => event.seq)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    expect(tokens.map((event) => event.token).join('')).toBe(Array.from({ length: 200 }, (_, index) => `t${index + 1} `).join(''));
    expect(events.at(-1)).toMatchObject({ type: 'complete', complete: { chat_id: chatId, metadata: { status: 'complete', tokens: 200 } } });
    expect(events.filter((event) => event.type === 'complete')).toHaveLength(1);
    expect(manager.isStreaming(chatId)).toBe(false);
  });

  it('resumes the answer to an edited question and a continued answer after a drop, like a sent one', async () => {
    const { chatId } = await createProjectAndChat(server);
    const manager = connect();
    await waitForStatus(manager, 'connected');
    // A first answer, stopped early: something to edit, and something to continue.
    server.ollama.queue({ tokenCount: 300, tokenDelayMs: 5 });
    const first = collect(manager, chatId, (event) => {
      if (event.type === 'token' && event.seq === 10) manager.stopGeneration(chatId);
    });
    manager.sendMessage({ chat_id: chatId, message: 'Q' });
    const firstEvents = await first.done;
    const questionId = (firstEvents.find((event) => event.type === 'received') as { userMessageId: number }).userMessageId;
    const stopped = firstEvents.at(-1) as { type: 'complete'; complete: { message_id: number; metadata: { status: string } } };
    expect(stopped.complete.metadata.status).toBe('stopped');

    const dropAt30 = () => {
      let dropped = false;
      return collect(manager, chatId, (event) => {
        if (event.type === 'token' && event.seq === 30 && !dropped) {
          dropped = true;
          server.gateway.io.disconnectSockets(true);
        }
      });
    };

    // Continue: the first token is the text it had, then 80 more; a drop at 30 loses none.
    server.ollama.queue({ tokenCount: 80, tokenDelayMs: 5 });
    const continued = dropAt30();
    expect(manager.continueMessage({ chat_id: chatId, message_id: stopped.complete.message_id })).toBe(true);
    const continuedTokens = (await continued.done).filter((event) => event.type === 'token');
    expect(continuedTokens.map((event) => event.seq)).toEqual(Array.from({ length: 81 }, (_, index) => index + 1));
    expect(continued.events.at(-1)).toMatchObject({ type: 'complete', complete: { message_id: stopped.complete.message_id } });

    // Edit: a new branch, answered; a drop at 30 loses none either.
    server.ollama.queue({ tokenCount: 80, tokenDelayMs: 5 });
    const edited = dropAt30();
    expect(manager.editMessage({ chat_id: chatId, message_id: questionId, message: 'Q, edited' })).toBe(true);
    const editedTokens = (await edited.done).filter((event) => event.type === 'token');
    expect(editedTokens.map((event) => event.seq)).toEqual(Array.from({ length: 80 }, (_, index) => index + 1));
    expect(edited.events.at(-1)).toMatchObject({ type: 'complete', complete: { metadata: { status: 'complete' } } });
    expect(manager.isStreaming(chatId)).toBe(false);
  });

  it('follows an answer it did not start (a reload) from the first token', async () => {
    const { chatId } = await createProjectAndChat(server);
    const asker = connect();
    await waitForStatus(asker, 'connected');
    server.ollama.queue({ tokenCount: 30, tokenDelayMs: 10 });
    const asked = collect(asker, chatId);
    asker.sendMessage({ chat_id: chatId, message: 'Hello' });
    await new Promise<void>((resolve) => {
      const stop = asker.subscribeChat(chatId, (event) => {
        if (event.type === 'token' && event.seq === 5) {
          stop();
          resolve();
        }
      });
    });

    const reader = connect();
    await waitForStatus(reader, 'connected');
    const followed = collect(reader, chatId);
    reader.resume(chatId, 0);
    const events = await followed.done;
    await asked.done;
    expect(
      events
        .filter((event) => event.type === 'token')
        .map((event) => event.token)
        .join(''),
    ).toBe(Array.from({ length: 30 }, (_, index) => `t${index + 1} `).join(''));
    expect(events.at(-1)?.type).toBe('complete');
  });

  it('tells a failed resume apart from an answer error', async () => {
    const { chatId } = await createProjectAndChat(server);
    const manager = connect();
    await waitForStatus(manager, 'connected');
    const { done } = collect(manager, chatId);
    manager.resume(chatId, 0);
    const events = await done;
    expect(events).toEqual([{ type: 'resume-failed', message: expect.stringContaining('No answer to resume') }]);
    expect(manager.isStreaming(chatId)).toBe(false);
  });

  it('sends nothing while offline and says so; the same question goes through once reconnected', async () => {
    const { chatId } = await createProjectAndChat(server);
    const manager = connect();
    await waitForStatus(manager, 'connected');

    const reconnecting = waitForStatus(manager, 'reconnecting');
    server.gateway.io.disconnectSockets(true);
    await reconnecting;
    expect(manager.sendMessage({ chat_id: chatId, message: 'While offline' })).toBe(false);
    expect(manager.stopGeneration(chatId)).toBe(false);

    await waitForStatus(manager, 'connected');
    const { done } = collect(manager, chatId);
    expect(manager.sendMessage({ chat_id: chatId, message: 'While offline' })).toBe(true);
    expect((await done).at(-1)?.type).toBe('complete');
    const history = await server.api('GET', `/api/chats/${chatId}`);
    expect(history.body.messages.filter((message: { role: string }) => message.role === 'user')).toHaveLength(1);
  });

  it('does not resume a question the server never confirmed (it could replay an older answer): it reports it unconfirmed', async () => {
    const { chatId } = await createProjectAndChat(server);
    const manager = connect();
    await waitForStatus(manager, 'connected');
    const events: ChatStreamEvent[] = [];
    const stop = manager.subscribeChat(chatId, (event) => events.push(event));
    const unconfirmed = new Promise<void>((resolve) => {
      const off = manager.subscribeChat(chatId, (event) => {
        if (event.type === 'unconfirmed') {
          off();
          resolve();
        }
      });
    });
    // The server drops the connection before it reads the question.
    server.gateway.io.disconnectSockets(true);
    expect(manager.sendMessage({ chat_id: chatId, message: 'Lost in transit' })).toBe(true);
    await unconfirmed;
    stop();
    expect(events).toEqual([{ type: 'unconfirmed' }]);
    expect(manager.isStreaming(chatId)).toBe(false);
    const history = await server.api('GET', `/api/chats/${chatId}`);
    expect(history.body.messages).toEqual([]);
  });

  it('stops retrying and reports disconnected when the server refuses the token', async () => {
    await server.close();
    server = await startTestServer({ API_TOKEN: 'a-very-secret-token-1234' });
    const refused = connect({ token: 'wrong-token-wrong-token' });
    await waitForStatus(refused, 'disconnected');
    expect(refused.lastError).toBe('unauthorized');

    const accepted = connect({ token: 'a-very-secret-token-1234' });
    await waitForStatus(accepted, 'connected');
  });
});
