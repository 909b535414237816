import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LlmError } from '../../../src/server/errors.ts';
import type { ChatPart, ChatStreamOptions } from '../../../src/server/llm/chat-model.ts';
import { OllamaChatModel } from '../../../src/server/llm/ollama/ollama-chat-model.ts';
import { OpenAICompatibleChatModel } from '../../../src/server/llm/openai/openai-chat-model.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

/** A fetch that replays a recorded body in small, unaligned pieces, as a network would. */
function replayFetch(
  body: string,
  status = 200,
  pieceSize = 7,
): { fetch: typeof fetch; requests: Array<{ url: string; body: any; headers: any }> } {
  const requests: Array<{ url: string; body: any; headers: any }> = [];
  const fakeFetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, body: JSON.parse(String(init.body)), headers: init.headers });
    const bytes = new TextEncoder().encode(body);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += pieceSize) controller.enqueue(bytes.slice(offset, offset + pieceSize));
        controller.close();
      },
    });
    return new Response(stream, { status });
  }) as unknown as typeof fetch;
  return { fetch: fakeFetch, requests };
}

const options = (signal = new AbortController().signal): ChatStreamOptions => ({
  messages: [{ role: 'user', content: 'Why is the sky blue?' }],
  temperature: 0.3,
  maxTokens: 99,
  signal,
  grounding: { question: 'Why is the sky blue?', sources: [] },
});

async function collect(stream: AsyncIterable<ChatPart>): Promise<ChatPart[]> {
  const parts: ChatPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('OllamaChatModel', () => {
  it('parses the recorded NDJSON stream, split across arbitrary chunk boundaries, and sends the options', async () => {
    const { fetch, requests } = replayFetch(fs.readFileSync(path.join(fixtures, 'ollama/chat-basic.ndjson'), 'utf8'));
    const model = new OllamaChatModel('llama3.2', { baseURL: 'http://ollama.test', firstTokenTimeoutMs: 1000, idleTimeoutMs: 1000, fetch });
    const parts = await collect(model.stream(options()));
    expect(
      parts
        .filter((part) => part.type === 'text-delta')
        .map((part) => (part as { text: string }).text)
        .join(''),
    ).toBe('The sky is blue [1].');
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop', promptTokens: 26, completionTokens: 282 });
    expect(requests[0]).toMatchObject({
      url: 'http://ollama.test/api/chat',
      body: { model: 'llama3.2', stream: true, options: { temperature: 0.3, num_predict: 99 } },
    });
  });

  it('turns an {"error"} line and a 404 into typed errors', async () => {
    const errorLine = replayFetch('{"message":{"content":"a"},"done":false}\n{"error":"boom"}\n');
    const model = new OllamaChatModel('m', { baseURL: 'http://x', firstTokenTimeoutMs: 1000, idleTimeoutMs: 1000, fetch: errorLine.fetch });
    await expect(collect(model.stream(options()))).rejects.toMatchObject({ code: 'llm_error', message: 'Ollama error: boom' });
    const missing = replayFetch('{"error":"model \\"m\\" not found, try pulling it first"}', 404);
    const model404 = new OllamaChatModel('m', {
      baseURL: 'http://x',
      firstTokenTimeoutMs: 1000,
      idleTimeoutMs: 1000,
      fetch: missing.fetch,
    });
    const error = await collect(model404.stream(options())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ code: 'model_not_found', statusCode: 404, isRetryable: false });
  });

  it('ends quietly when the caller aborts', async () => {
    const controller = new AbortController();
    const fetchThatWaits = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) =>
        init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      )) as unknown as typeof fetch;
    const model = new OllamaChatModel('m', {
      baseURL: 'http://x',
      firstTokenTimeoutMs: 10_000,
      idleTimeoutMs: 10_000,
      fetch: fetchThatWaits,
    });
    const pending = collect(model.stream(options(controller.signal)));
    controller.abort();
    expect(await pending).toEqual([]);
  });
});

describe('OpenAICompatibleChatModel', () => {
  it('parses the recorded SSE stream and sends the bearer key', async () => {
    const { fetch, requests } = replayFetch(fs.readFileSync(path.join(fixtures, 'openai/chat-basic.sse.txt'), 'utf8'));
    const model = new OpenAICompatibleChatModel('gpt-4o-mini', {
      baseURL: 'http://openai.test/v1',
      apiKey: 'sk-test',
      firstTokenTimeoutMs: 1000,
      idleTimeoutMs: 1000,
      fetch,
    });
    const parts = await collect(model.stream(options()));
    expect(
      parts
        .filter((part) => part.type === 'text-delta')
        .map((part) => (part as { text: string }).text)
        .join(''),
    ).toBe('Hello world [1]');
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(requests[0]!.url).toBe('http://openai.test/v1/chat/completions');
    expect(requests[0]!.body).toMatchObject({ model: 'gpt-4o-mini', stream: true, temperature: 0.3, max_tokens: 99 });
    expect(requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('maps HTTP errors', async () => {
    const { fetch } = replayFetch('{"error":{"message":"rate limited"}}', 429);
    const model = new OpenAICompatibleChatModel('m', { baseURL: 'http://x', firstTokenTimeoutMs: 1000, idleTimeoutMs: 1000, fetch });
    await expect(collect(model.stream(options()))).rejects.toMatchObject({ code: 'llm_error', statusCode: 429, isRetryable: true });
  });
});
