import { afterEach, describe, expect, it } from 'vitest';
import { ask, connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

/** Collects one answer started by `regenerate_message`, like `ask` does for `send_message`. */
function regenerate(socket: ClientSocket, payload: { chat_id: number; message_id: number }) {
  return new Promise<{ events: Array<[string, any]>; text: string; complete?: any; error?: any }>((resolve, reject) => {
    const events: Array<[string, any]> = [];
    const timer = setTimeout(() => reject(new Error('no regenerated answer')), 10_000);
    const listener = (event: string, data: any) => {
      if (data?.chat_id !== payload.chat_id) return;
      events.push([event, data]);
      if (event === 'message_complete' || event === 'error') {
        clearTimeout(timer);
        socket.offAny(listener);
        const text = events
          .filter(([name]) => name === 'message_token')
          .map(([, token]) => token.token)
          .join('');
        resolve({ events, text, complete: event === 'message_complete' ? data : undefined, error: event === 'error' ? data : undefined });
      }
    };
    socket.onAny(listener);
    socket.emit('regenerate_message', payload);
  });
}

const historyOf = (server: TestServer) =>
  (server.ollama.lastChat().body.messages as Array<{ role: string; content: string }>).filter((message) => message.role !== 'system');

describe('regenerate an answer: versions of one turn', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('makes a second version of the same turn, and history uses the version shown', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    const socket = await connect(server.url);
    server.ollama.queue({ tokens: ['first ', 'version'] });
    const first = await ask(socket, { chat_id: chatId, message: 'What is the policy?' });
    const questionId = first.events.find(([name]) => name === 'message_received')![1].user_message_id;
    server.ollama.queue({ tokens: ['second ', 'version'] });

    const second = await regenerate(socket, { chat_id: chatId, message_id: first.complete.message_id });
    // The seed's events, in the seed's order; `received` names the existing question.
    const names = second.events.map(([name]) => name).filter((name, index, all) => name !== all[index - 1]);
    expect(names).toEqual(['message_received', 'message_sources', 'message_token', 'message_complete']);
    expect(second.events[0]![1].user_message_id).toBe(questionId);
    expect(second.text).toBe('second version');
    expect(second.complete.message_id).not.toBe(first.complete.message_id);

    const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body as any[];
    expect(messages.map((message) => [message.role, message.content, message.parent_id, message.active])).toEqual([
      ['user', 'What is the policy?', null, true],
      ['assistant', 'first version', questionId, false],
      ['assistant', 'second version', questionId, true],
    ]);

    await ask(socket, { chat_id: chatId, message: 'And then?' });
    expect(
      historyOf(server)
        .map((message) => message.content)
        .slice(0, 2),
    ).toEqual(['What is the policy?', 'second version']);

    // Back to version 1: it is sent as history from now on.
    const select = await server.api('PUT', `/api/chats/${chatId}/messages/${first.complete.message_id}/active`);
    expect(select.status).toBe(204);
    await ask(socket, { chat_id: chatId, message: 'Once more?' });
    const sent = historyOf(server).map((message) => message.content);
    expect(sent).toContain('first version');
    expect(sent).not.toContain('second version');
    socket.disconnect();
  });

  it('regenerates an answer that was stopped, or failed', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    const socket = await connect(server.url);
    server.ollama.queue({ status: 500, errorMessage: 'model crashed' });
    const failed = await ask(socket, { chat_id: chatId, message: 'Hello?' });
    expect(failed.error).toBeDefined();
    const [, saved] = (await server.api('GET', `/api/chats/${chatId}/messages`)).body as any[];
    expect(saved.status).toBe('failed');
    // **ext** The error names the saved failed answer, so a client shows it once.
    expect(failed.error.message_id).toBe(saved.id);

    server.ollama.queue({ tokens: ['better'] });
    const retried = await regenerate(socket, { chat_id: chatId, message_id: saved.id });
    expect(retried.text).toBe('better');
    const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body as any[];
    expect(messages.filter((message) => message.active).map((message) => message.status)).toEqual(['complete', 'complete']);
    socket.disconnect();
  });

  it('refuses a message of another chat with not_found, and changes nothing', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    const socket = await connect(server.url);
    const answer = await regenerate(socket, { chat_id: chatId, message_id: 999 });
    expect(answer.error).toMatchObject({ code: 'not_found', chat_id: chatId });
    expect((await server.api('GET', `/api/chats/${chatId}/messages`)).body).toEqual([]);
    socket.disconnect();
  });
});
