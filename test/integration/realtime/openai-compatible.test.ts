import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, connect } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

const fixture = fs.readFileSync(
  path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/openai/chat-basic.sse.txt'),
  'utf8',
);

/** A minimal OpenAI-compatible server that replays a recorded streamed completion. */
async function startFakeOpenAI() {
  const requests: Array<{ url: string; authorization?: string; body: any }> = [];
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    requests.push({
      url: request.url ?? '',
      authorization: request.headers.authorization,
      body: JSON.parse(Buffer.concat(chunks).toString()),
    });
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const frame of fixture.split('\n\n')) {
      if (frame.trim()) response.write(`${frame}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('an OpenAI-compatible server', () => {
  let server: TestServer;
  let openai: Awaited<ReturnType<typeof startFakeOpenAI>>;
  afterEach(async () => {
    await server?.close();
    await openai?.close();
  });

  it('streams the answer through the seed events, with the key, model and options sent upstream', async () => {
    openai = await startFakeOpenAI();
    server = await startTestServer({
      LLM_PROVIDER: 'openai',
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: 'sk-local-test',
      OPENAI_MODEL: 'qwen2.5-7b-instruct',
      EMBEDDING_PROVIDER: 'none',
    });
    const socket = await connect(server.url);
    const { chatId } = await createProjectAndChat(server);
    const answer = await ask(socket, { chat_id: chatId, message: 'Say hello', temperature: 0.2, max_tokens: 64 });
    socket.disconnect();

    expect(answer.text).toBe('Hello world [1]');
    expect(answer.complete.metadata).toMatchObject({ model: 'qwen2.5-7b-instruct', status: 'complete' });
    expect(openai.requests).toHaveLength(1);
    expect(openai.requests[0]).toMatchObject({
      url: '/v1/chat/completions',
      authorization: 'Bearer sk-local-test',
      body: { model: 'qwen2.5-7b-instruct', stream: true, temperature: 0.2, max_tokens: 64 },
    });
    const saved = (await server.api('GET', `/api/chats/${chatId}/messages`)).body[1];
    expect(saved).toMatchObject({ content: 'Hello world [1]', model_name: 'qwen2.5-7b-instruct', status: 'complete' });
  });
});
