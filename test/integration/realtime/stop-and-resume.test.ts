import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, recordEvents, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

const tokensOf = (count: number) => Array.from({ length: count }, (_, index) => `t${index + 1} `).join('');

describe('stop, resume and the grace period', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  const open = async () => {
    const socket = await connect(server.url);
    sockets.push(socket);
    return socket;
  };
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await server?.close();
  });

  it('stop_generation aborts the upstream request and saves the partial answer as stopped', async () => {
    server = await startTestServer();
    const socket = await open();
    const { chatId } = await createProjectAndChat(server);
    server.ollama.queue({ tokenCount: 500, tokenDelayMs: 10 });
    const events = recordEvents(socket);
    const complete = waitFor(socket, 'message_complete', (data) => data.chat_id === chatId);
    socket.emit('send_message', { chat_id: chatId, message: 'tell me everything' });
    await waitFor(socket, 'message_token', (token) => token.seq === 3);
    socket.emit('stop_generation', { chat_id: chatId });
    const done = await complete;

    expect(done.metadata).toMatchObject({ stopped: true, status: 'stopped' });
    const upstream = server.ollama.lastChat();
    await upstream.settled;
    expect(upstream.hungUp).toBe(true);
    expect(upstream.tokensSent).toBeLessThan(500);

    const received = events
      .filter(([name]) => name === 'message_token')
      .map(([, data]) => data.token)
      .join('');
    const saved = (await server.api('GET', `/api/chats/${chatId}/messages`)).body[1];
    expect(saved).toMatchObject({ id: done.message_id, status: 'stopped', content: received });
    expect(received.length).toBeGreaterThan(0);
    expect(done.metadata.tokens).toBe(events.filter(([name]) => name === 'message_token').length);

    // The chat is free again.
    const next = waitFor(socket, 'message_complete', (data) => data.chat_id === chatId && data.message_id !== done.message_id);
    socket.emit('send_message', { chat_id: chatId, message: 'short one' });
    expect((await next).metadata.status).toBe('complete');
  });

  it('stop_generation for a chat with nothing running is an error', async () => {
    server = await startTestServer();
    const socket = await open();
    const { chatId } = await createProjectAndChat(server);
    socket.emit('stop_generation', { chat_id: chatId });
    expect(await waitFor(socket, 'error')).toMatchObject({
      message: `No answer is being generated in chat ${chatId}`,
      chat_id: chatId,
      code: 'not_found',
    });
  });

  it('resume_message after a reconnect delivers the missed tokens then the live ones, once each', async () => {
    server = await startTestServer({ GENERATION_GRACE_SECONDS: 30 });
    const { chatId } = await createProjectAndChat(server);
    server.ollama.queue({ tokenCount: 120, tokenDelayMs: 5 });
    const first = await open();
    const seen: Array<{ seq: number; token: string }> = [];
    first.on('message_token', (token) => seen.push(token));
    first.emit('send_message', { chat_id: chatId, message: 'stream please' });
    await waitFor(first, 'message_token', (token) => token.seq === 20);
    first.disconnect();
    const lastSeen = seen.at(-1)!.seq;

    const second = await open();
    const resumed: Array<{ seq: number; token: string }> = [];
    second.on('message_token', (token) => resumed.push(token));
    const complete = waitFor(second, 'message_complete', (data) => data.chat_id === chatId);
    second.emit('resume_message', { chat_id: chatId, after_seq: lastSeen });
    const done = await complete;

    expect(resumed[0]!.seq).toBe(lastSeen + 1);
    const all = [...seen, ...resumed];
    expect(all.map((token) => token.seq)).toEqual(all.map((_, index) => index + 1));
    expect(all.map((token) => token.token).join('')).toBe(tokensOf(120));
    expect(done.metadata.status).toBe('complete');
    const saved = (await server.api('GET', `/api/chats/${chatId}/messages`)).body[1];
    expect(saved.content).toBe(tokensOf(120));
    expect(server.ollama.lastChat().hungUp).toBe(false);
  });

  it('resume_message just after the end replays the rest and the completion', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    const socket = await open();
    const complete = waitFor(socket, 'message_complete', (data) => data.chat_id === chatId);
    socket.emit('send_message', { chat_id: chatId, message: 'quick' });
    const done = await complete;

    const late = await open();
    const tokens: number[] = [];
    late.on('message_token', (token) => tokens.push(token.seq));
    const sources = waitFor(late, 'message_sources');
    const replayed = waitFor(late, 'message_complete');
    late.emit('resume_message', { chat_id: chatId, after_seq: 1 });
    expect((await sources).chat_id).toBe(chatId);
    expect((await replayed).message_id).toBe(done.message_id);
    expect(tokens).toEqual(Array.from({ length: done.metadata.tokens - 1 }, (_, index) => index + 2));
  });

  it('resume_message with nothing to resume says so', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    const socket = await open();
    socket.emit('resume_message', { chat_id: chatId, after_seq: 0 });
    expect((await waitFor(socket, 'error')).message).toMatch(/No answer to resume/);
  });

  it('aborts the upstream request when nobody resumes within the grace period, saving it as interrupted', async () => {
    server = await startTestServer({ GENERATION_GRACE_SECONDS: 0.3 });
    const { chatId } = await createProjectAndChat(server);
    server.ollama.queue({ tokenCount: 1000, tokenDelayMs: 10 });
    const socket = await open();
    socket.emit('send_message', { chat_id: chatId, message: 'long' });
    await waitFor(socket, 'message_token', (token) => token.seq === 5);
    socket.disconnect();

    const upstream = server.ollama.lastChat();
    await upstream.settled;
    expect(upstream.hungUp).toBe(true);
    await server.generations.get(chatId)!.whenFinished();
    const saved = (await server.api('GET', `/api/chats/${chatId}/messages`)).body[1];
    expect(saved.status).toBe('interrupted');
    expect(saved.content.startsWith('t1 t2 t3 t4 t5 ')).toBe(true);
    expect(upstream.tokensSent).toBeLessThan(1000);
  });

  it('keeps generating while the client is away and a polling client can resume', async () => {
    server = await startTestServer({ GENERATION_GRACE_SECONDS: 10 });
    const { chatId } = await createProjectAndChat(server);
    server.ollama.queue({ tokenCount: 40, tokenDelayMs: 5 });
    const socket = await open();
    socket.emit('send_message', { chat_id: chatId, message: 'go' });
    await waitFor(socket, 'message_token', (token) => token.seq === 1);
    socket.disconnect();
    await server.generations.get(chatId)!.whenFinished();
    const saved = (await server.api('GET', `/api/chats/${chatId}/messages`)).body[1];
    expect(saved).toMatchObject({ status: 'complete', content: tokensOf(40) });

    const polling = io(server.url, { transports: ['polling'], reconnection: false, forceNew: true });
    sockets.push(polling as ClientSocket);
    await new Promise<void>((resolve) => polling.once('connect', () => resolve()));
    const tokens: number[] = [];
    polling.on('message_token', (token: { seq: number }) => tokens.push(token.seq));
    const replayed = new Promise((resolve) => polling.once('message_complete', resolve));
    polling.emit('resume_message', { chat_id: chatId, after_seq: 1 });
    const done = (await replayed) as { metadata: { tokens: number } };
    expect(tokens).toEqual(Array.from({ length: done.metadata.tokens - 1 }, (_, index) => index + 2));
  });
});
