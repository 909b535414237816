import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_TOKENS } from '../../support/fake-ollama.ts';
import { ask, connect, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

describe('send_message: the seed flow end to end', () => {
  let server: TestServer;
  let socket: ClientSocket;

  beforeEach(async () => {
    server = await startTestServer();
    socket = await connect(server.url);
  });
  afterEach(async () => {
    socket.disconnect();
    await server.close();
  });

  it('emits received → sources → tokens (seq 1..n) → complete, saving both messages first', async () => {
    const { chatId } = await createProjectAndChat(server);
    const answer = await ask(socket, { chat_id: chatId, message: 'What colour is the sky?' });

    const names = answer.events.map(([name]) => name);
    expect(names[0]).toBe('message_received');
    expect(names[1]).toBe('message_sources');
    expect(names.at(-1)).toBe('message_complete');
    expect(names.slice(2, -1).every((name) => name === 'message_token')).toBe(true);

    const [, received] = answer.events[0]!;
    expect(received).toMatchObject({ chat_id: chatId, status: 'processing' });
    expect(received.user_message_id).toBeTypeOf('number');
    expect(answer.events[1]![1]).toEqual({ chat_id: chatId, sources: [] });

    const tokens = answer.events.filter(([name]) => name === 'message_token').map(([, data]) => data);
    // Tokens read from the network together may arrive as one event; seq always counts events 1..n.
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.map((token) => token.seq)).toEqual(tokens.map((_, index) => index + 1));
    expect(answer.text).toBe(FIXTURE_TOKENS.join(''));

    expect(answer.complete).toMatchObject({
      chat_id: chatId,
      metadata: { model: 'llama3.2', sources_count: 0, stopped: false, status: 'complete' },
    });
    // Saved before message_complete was sent: the very next read sees it.
    const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body;
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({ id: received.user_message_id, role: 'user', content: 'What colour is the sky?' });
    expect(messages[1]).toMatchObject({
      id: answer.complete.message_id,
      role: 'assistant',
      content: FIXTURE_TOKENS.join(''),
      model_name: 'llama3.2',
      status: 'complete',
      sources: [],
    });
    expect(tokens.every((token) => token.message_id === answer.complete.message_id)).toBe(true);
    expect(server.gateway.connections.get(socket.id!)?.metadata.chat_id).toBe(chatId);
  });

  it('names the chat after the first question unless the user named it', async () => {
    const { projectId, chatId } = await createProjectAndChat(server);
    await ask(socket, { chat_id: chatId, message: 'A question that is definitely longer than fifty characters in total\nsecond line' });
    expect((await server.api('GET', `/api/chats/${chatId}`)).body.title).toBe(
      `${'A question that is definitely longer than fifty characters'.slice(0, 47)}...`,
    );

    const named = await server.api('POST', '/api/chats', { project_id: projectId, title: 'My own title' });
    await ask(socket, { chat_id: named.body.id, message: 'Hello' });
    expect((await server.api('GET', `/api/chats/${named.body.id}`)).body.title).toBe('My own title');
  });

  it('applies temperature, max_tokens, history and model to the upstream request', async () => {
    const { chatId } = await createProjectAndChat(server);
    server.ollama.models.push({ name: 'mistral:latest', capabilities: ['completion'] });
    await ask(socket, { chat_id: chatId, message: 'first question' });
    await ask(socket, { chat_id: chatId, message: 'second question' });
    await ask(socket, { chat_id: chatId, message: 'third question', temperature: 0.2, max_tokens: 77, model: 'mistral' });
    let request = server.ollama.lastChat().body;
    expect(request.model).toBe('mistral');
    expect(request.options).toEqual({ temperature: 0.2, num_predict: 77 });
    const roles = request.messages.map((message: { role: string }) => message.role);
    expect(roles).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(request.messages[1].content).toBe('first question');
    expect(request.messages[2].content).toBe(FIXTURE_TOKENS.join(''));
    expect(request.messages.at(-1).content).toContain('Question: third question');

    await ask(socket, { chat_id: chatId, message: 'fourth', history_length: 1 });
    request = server.ollama.lastChat().body;
    expect(request.messages.map((message: { role: string }) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(request.messages[1].content).toBe('third question');
    expect(request.options).toEqual({ temperature: 0.7, num_predict: 2048 });

    await ask(socket, { chat_id: chatId, message: 'fifth', include_history: false });
    request = server.ollama.lastChat().body;
    expect(request.messages.map((message: { role: string }) => message.role)).toEqual(['system', 'user']);
  });

  it('refuses a second question while the chat is answering, without interleaving tokens', async () => {
    const { chatId } = await createProjectAndChat(server);
    server.ollama.queue({ tokenCount: 30, tokenDelayMs: 10 });
    const tokens: number[] = [];
    socket.on('message_token', (token) => tokens.push(token.seq));
    const complete = waitFor(socket, 'message_complete', (data) => data.chat_id === chatId);
    socket.emit('send_message', { chat_id: chatId, message: 'long answer please' });
    await waitFor(socket, 'message_token', (token) => token.chat_id === chatId);
    socket.emit('send_message', { chat_id: chatId, message: 'interrupting' });
    const busy = await waitFor(socket, 'error', (error) => error.chat_id === chatId);
    expect(busy).toMatchObject({ code: 'busy', chat_id: chatId });
    expect(busy.message).toMatch(/already being generated/);
    await complete;
    const seqs = tokens;
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body;
    expect(messages.map((message: { content: string }) => message.content)).toEqual([
      'long answer please',
      Array.from({ length: 30 }, (_, index) => `t${index + 1} `).join(''),
    ]);
  });

  it('streams two chats concurrently on one socket, each to completion', async () => {
    const first = await createProjectAndChat(server);
    const second = await server.api('POST', '/api/chats', { project_id: first.projectId });
    server.ollama.defaultScript = { tokenCount: 20, tokenDelayMs: 2 };
    const [a, b] = await Promise.all([
      ask(socket, { chat_id: first.chatId, message: 'one' }),
      ask(socket, { chat_id: second.body.id, message: 'two' }),
    ]);
    const expected = Array.from({ length: 20 }, (_, index) => `t${index + 1} `).join('');
    expect(a.text).toBe(expected);
    expect(b.text).toBe(expected);
    expect(a.complete.message_id).not.toBe(b.complete.message_id);
  });

  it('answers errors for a missing chat and for invalid payloads, and writes nothing', async () => {
    const { chatId } = await createProjectAndChat(server);
    const cases: Array<[unknown, RegExp | string]> = [
      [{ message: 'hi' }, 'chat_id is required'],
      [{ chat_id: chatId }, 'message is required'],
      [{ chat_id: chatId, message: '   ' }, 'message is required'],
      [{ chat_id: chatId, message: 'x'.repeat(32_001) }, /too long/],
      [{ chat_id: 'abc', message: 'hi' }, /chat_id must be a positive integer/],
      [{ chat_id: chatId, message: 'hi', temperature: 'hot' }, /temperature/],
      [{ chat_id: chatId, message: 'hi', top_k: 0 }, /top_k/],
      [{ chat_id: chatId, message: 'hi', extra: true }, /Unknown field in send_message: extra/],
      [JSON.parse(`{"chat_id": ${chatId}, "message": "hi", "__proto__": {"polluted": true}}`), /__proto__/],
      [[chatId, 'hi'], /expected an object/],
      [null, /expected an object/],
    ];
    for (const [payload, expected] of cases) {
      socket.emit('send_message', payload as never);
      const error = await waitFor(socket, 'error');
      if (typeof expected === 'string') expect(error.message).toBe(expected);
      else expect(error.message).toMatch(expected);
      expect(error.code).toBe('validation');
    }
    socket.emit('send_message', { chat_id: 424242, message: 'hi' });
    expect(await waitFor(socket, 'error')).toEqual({ message: 'Chat 424242 not found', chat_id: 424242, code: 'not_found' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await server.api('GET', `/api/chats/${chatId}/messages`)).body).toEqual([]);
    expect(server.ollama.chatRequests()).toHaveLength(0);
  });

  it('refuses questions in deleted chats', async () => {
    const { chatId } = await createProjectAndChat(server);
    await server.api('DELETE', `/api/chats/${chatId}`);
    socket.emit('send_message', { chat_id: chatId, message: 'still there?' });
    expect(await waitFor(socket, 'error')).toMatchObject({ message: `Chat ${chatId} not found`, chat_id: chatId });
  });
});
