import { afterEach, describe, expect, it } from 'vitest';
import { connect, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

describe('LLM provider failures become clear errors, and the partial answer is kept', () => {
  let server: TestServer;
  let socket: ClientSocket;
  afterEach(async () => {
    socket?.disconnect();
    await server?.close();
  });

  async function setup(overrides: Record<string, string | number> = {}) {
    server = await startTestServer(overrides);
    socket = await connect(server.url);
    return createProjectAndChat(server);
  }

  async function failedAnswer(chatId: number) {
    const error = waitFor(socket, 'error', (data) => data.chat_id === chatId);
    socket.emit('send_message', { chat_id: chatId, message: 'question' });
    const data = await error;
    const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body;
    return { error: data, messages };
  }

  it('connection refused', async () => {
    const { chatId } = await setup();
    await server.ollama.stop();
    const { error, messages } = await failedAnswer(chatId);
    expect(error.code).toBe('llm_unavailable');
    expect(error.message).toMatch(/Cannot reach Ollama at http:\/\/127\.0\.0\.1:\d+: connection refused/);
    expect(messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant']);
    expect(messages[1]).toMatchObject({ status: 'failed', content: '', error: error.message });
  });

  it('model not found (HTTP 404)', async () => {
    const { chatId } = await setup({ OLLAMA_MODEL: 'missing-model' });
    const { error, messages } = await failedAnswer(chatId);
    expect(error.code).toBe('model_not_found');
    expect(error.message).toMatch(/Model 'missing-model' is not available in Ollama/);
    expect(messages[1].status).toBe('failed');
  });

  it('HTTP 500 from the server', async () => {
    const { chatId } = await setup();
    server.ollama.queue({ status: 500, errorMessage: 'llama runner process has terminated' });
    const { error } = await failedAnswer(chatId);
    expect(error).toMatchObject({ code: 'llm_error', chat_id: chatId });
    expect(error.message).toContain('llama runner process has terminated');
  });

  it('error in the middle of the stream keeps the partial text', async () => {
    const { chatId } = await setup();
    server.ollama.queue({ tokenCount: 10, errorAfter: 4, errorMessage: 'out of memory' });
    const { error, messages } = await failedAnswer(chatId);
    expect(error).toMatchObject({ code: 'llm_error', message: 'Ollama error: out of memory' });
    expect(messages[1]).toMatchObject({ status: 'failed', content: 't1 t2 t3 t4 ', error: 'Ollama error: out of memory' });
  });

  it('connection dropped mid-stream', async () => {
    const { chatId } = await setup();
    server.ollama.queue({ tokenCount: 10, dropAfter: 3, tokenDelayMs: 5 });
    const { error, messages } = await failedAnswer(chatId);
    expect(error.code).toBe('llm_error');
    expect(messages[1]).toMatchObject({ status: 'failed', content: 't1 t2 t3 ' });
  });

  it('a stall longer than the idle timeout fails the answer and hangs up upstream', async () => {
    const { chatId } = await setup({ LLM_IDLE_TIMEOUT_SECONDS: 0.4 });
    server.ollama.queue({ tokenCount: 10, stallAfter: 2 });
    const { error, messages } = await failedAnswer(chatId);
    expect(error.code).toBe('llm_timeout');
    expect(error.message).toMatch(/Ollama stalled for/);
    const upstream = server.ollama.lastChat();
    await upstream.settled;
    expect(upstream.hungUp).toBe(true);
    expect(messages[1]).toMatchObject({ status: 'failed', content: 't1 t2 ' });
    // The chat is free again at once.
    server.ollama.queue({ tokens: ['fine'] });
    const complete = waitFor(socket, 'message_complete', (data) => data.chat_id === chatId);
    socket.emit('send_message', { chat_id: chatId, message: 'again' });
    expect((await complete).metadata.status).toBe('complete');
  });

  it('a silent server fails after the first-token timeout', async () => {
    const { chatId } = await setup({ LLM_FIRST_TOKEN_TIMEOUT_SECONDS: 0.4 });
    server.ollama.queue({ tokenCount: 3, firstTokenDelayMs: 5_000 });
    const { error } = await failedAnswer(chatId);
    expect(error.code).toBe('llm_timeout');
    expect(error.message).toMatch(/Ollama sent nothing for/);
  });

  it('malformed NDJSON is a clear error, not a crash', async () => {
    const http = await import('node:http');
    const garbage = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.end('{"message":{"content":"half"},"done":false}\nthis is not json\n');
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    const port = (garbage.address() as import('node:net').AddressInfo).port;
    server = await startTestServer({ OLLAMA_HOST: `http://127.0.0.1:${port}` });
    socket = await connect(server.url);
    const { chatId } = await createProjectAndChat(server);
    const { error, messages } = await failedAnswer(chatId);
    expect(error).toMatchObject({ code: 'llm_bad_response' });
    expect(messages[1]).toMatchObject({ status: 'failed', content: 'half' });
    garbage.close();
  });
});

describe('extractive fallback', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('answers, labelled extractive, when no model server is reachable in auto mode', async () => {
    server = await startTestServer({ LLM_PROVIDER: 'auto' });
    await server.ollama.stop();
    const socket = await connect(server.url);
    const { chatId } = await createProjectAndChat(server);
    const complete = waitFor(socket, 'message_complete', (data) => data.chat_id === chatId);
    const tokens: string[] = [];
    socket.on('message_token', (token) => tokens.push(token.token));
    socket.emit('send_message', { chat_id: chatId, message: 'anything?' });
    const done = await complete;
    expect(done.metadata.model).toBe('extractive');
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.join('')).toMatch(/couldn't find anything/);
    socket.disconnect();
  });
});
