import { afterEach, describe, expect, it } from 'vitest';
import { answerTokenCap, CHARACTERS_PER_TOKEN } from '../../../src/server/chat/answer-limits.ts';
import { NO_SOURCES_ANSWER } from '../../../src/server/llm/extractive/extractive-chat-model.ts';
import { ask, connect } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

describe('server-side caps on an answer, whatever the model does', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('a model that ignores max_tokens is stopped upstream near the cap; the answer is saved, marked truncated', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    // The fake ignores num_predict, like the model that streamed 3,000 tokens for max_tokens 10.
    server.ollama.queue({ tokenCount: 3_000, tokenDelayMs: 1 });
    const socket = await connect(server.url);
    const answer = await ask(socket, { chat_id: chatId, message: 'short please', max_tokens: 10 }, 20_000);
    expect(answer.complete.metadata).toMatchObject({ status: 'complete', truncated: 'max_tokens' });
    expect(answer.text.length).toBeLessThanOrEqual(answerTokenCap(10) * CHARACTERS_PER_TOKEN);
    expect(answer.text).toMatch(/^t1 t2 t3 /);
    // Stopped upstream: the request to the model was cut, long before its 3,000 tokens.
    const request = server.ollama.lastChat();
    await request.settled;
    expect(request.hungUp).toBe(true);
    expect(request.tokensSent).toBeLessThan(3_000);
    const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body as Array<{
      status: string;
      content: string;
      error: string | null;
    }>;
    expect(messages[1]).toMatchObject({ status: 'complete', content: answer.text });
    expect(messages[1]!.error).toMatch(/cut at the server's limit of about 79 tokens \(max_tokens 10\)/);
    socket.disconnect();
  });

  it('an answer past ANSWER_MAX_SECONDS is stopped upstream and saved, marked truncated', async () => {
    server = await startTestServer({ ANSWER_MAX_SECONDS: 1 });
    const { chatId } = await createProjectAndChat(server);
    server.ollama.queue({ tokenCount: 5_000, tokenDelayMs: 10 });
    const socket = await connect(server.url);
    const answer = await ask(socket, { chat_id: chatId, message: 'go on forever' }, 20_000);
    expect(answer.complete.metadata).toMatchObject({ status: 'complete', truncated: 'max_time' });
    const request = server.ollama.lastChat();
    await request.settled;
    expect(request.hungUp).toBe(true);
    const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body as Array<{ error: string | null }>;
    expect(messages[1]!.error).toMatch(/time limit of 1 s/);
    socket.disconnect();
  });

  it('an honest answer within max_tokens is not marked truncated', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    server.ollama.queue({ tokenCount: 10 });
    const socket = await connect(server.url);
    const answer = await ask(socket, { chat_id: chatId, message: 'ten tokens', max_tokens: 10 });
    expect(answer.complete.metadata.status).toBe('complete');
    expect(answer.complete.metadata.truncated).toBeUndefined();
    expect(answer.text).toBe(Array.from({ length: 10 }, (_, index) => `t${index + 1} `).join(''));
    socket.disconnect();
  });
});

describe('bursts of tiny events are coalesced, for every provider', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('the extractive answer arrives over long-polling in a few message_token events, not one per word', async () => {
    server = await startTestServer({ LLM_PROVIDER: 'extractive' });
    const { chatId } = await createProjectAndChat(server);
    const socket = await connect(server.url, { transports: ['polling'] });
    const answer = await ask(socket, { chat_id: chatId, message: 'anything?' });
    const tokens = answer.events.filter(([name]) => name === 'message_token');
    expect(NO_SOURCES_ANSWER.split(' ').length).toBeGreaterThan(20);
    // python-socketio refuses a poll of more than 16 packets: the whole answer stays far below.
    expect(tokens.length).toBeLessThanOrEqual(3);
    expect(answer.text).toBe(NO_SOURCES_ANSWER);
    expect(tokens.map(([, data]) => data.seq)).toEqual(tokens.map((_, index) => index + 1));
    expect(answer.complete.metadata.tokens).toBe(tokens.length);
    socket.disconnect();
  });
});
