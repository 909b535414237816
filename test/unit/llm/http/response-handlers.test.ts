import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmError } from '../../../../src/server/errors.ts';
import { BoundedLineSplitter } from '../../../../src/server/llm/http/bounded-line-splitter.ts';
import { postJsonToApi } from '../../../../src/server/llm/http/post-to-api.ts';
import { createFailedResponseHandler } from '../../../../src/server/llm/http/failed-response-handler.ts';
import { createEventSourceResponseHandler, createJsonStreamResponseHandler } from '../../../../src/server/llm/http/response-handlers.ts';

const Chunk = z.object({ n: z.number() });

/** A fetch whose body is pulled on demand (so the test can count what the client took), then stops. */
function pulledFetch(pieces: () => Uint8Array | undefined) {
  const stats = { bytesPulled: 0, cancelled: false };
  const fakeFetch = (async () =>
    new Response(
      new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            const piece = pieces();
            if (!piece) return controller.close();
            stats.bytesPulled += piece.length;
            controller.enqueue(piece);
          },
          cancel() {
            stats.cancelled = true;
          },
        },
        { highWaterMark: 0 },
      ),
    )) as unknown as typeof fetch;
  return { fetch: fakeFetch, stats };
}

function endless(text: string, limitBytes: number) {
  const piece = new TextEncoder().encode(text);
  let sent = 0;
  return () => {
    if (sent >= limitBytes) return undefined;
    sent += piece.length;
    return piece;
  };
}

const call = (fakeFetch: typeof fetch) => ({
  url: 'http://upstream.test/x',
  label: 'The model server',
  host: 'http://upstream.test',
  body: {},
  timeout: { firstByteMs: 0, idleMs: 0 },
  failedResponseHandler: createFailedResponseHandler(),
  fetch: fakeFetch,
});

async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe('BoundedLineSplitter', () => {
  it('splits across chunk boundaries, including inside a multi-byte character', () => {
    const splitter = new BoundedLineSplitter({ maxLineBytes: 100, label: 'X' });
    const bytes = new TextEncoder().encode('é1\nü2\nlast');
    const lines = [...bytes].flatMap((byte) => splitter.push(Uint8Array.of(byte)));
    expect(lines).toEqual(['é1', 'ü2']);
    expect(splitter.end()).toBe('last');
  });

  it('refuses a line one byte past the limit', () => {
    const splitter = new BoundedLineSplitter({ maxLineBytes: 4, label: 'X' });
    expect(splitter.push(new TextEncoder().encode('abcd\nabcd'))).toEqual(['abcd']);
    expect(() => splitter.push(new TextEncoder().encode('e'))).toThrow(LlmError);
  });
});

describe('stream response handlers bound what they hold', () => {
  it('NDJSON: an endless line fails after the limit and the body is cancelled', async () => {
    const { fetch, stats } = pulledFetch(endless('x'.repeat(1024), 64 * 1024 * 1024));
    const stream = await postJsonToApi({
      ...call(fetch),
      successfulResponseHandler: createJsonStreamResponseHandler(Chunk, { maxLineBytes: 64 * 1024 }),
    });
    const error = await drain(stream).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'llm_bad_response',
      message: 'The model server sent more than 64 KiB without a line break; the stream was stopped',
    });
    expect(stats.bytesPulled).toBeLessThanOrEqual(64 * 1024 + 1024);
    expect(stats.cancelled).toBe(true);
  });

  it('SSE: an endless data line fails after the limit and the body is cancelled', async () => {
    let first = true;
    const rest = endless('y'.repeat(1024), 64 * 1024 * 1024);
    const { fetch, stats } = pulledFetch(() => (first ? ((first = false), new TextEncoder().encode('data: ')) : rest()));
    const stream = await postJsonToApi({
      ...call(fetch),
      successfulResponseHandler: createEventSourceResponseHandler(Chunk, { maxLineBytes: 64 * 1024 }),
    });
    const error = await drain(stream).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'llm_bad_response' });
    expect(stats.bytesPulled).toBeLessThanOrEqual(64 * 1024 + 2048);
    expect(stats.cancelled).toBe(true);
  });

  it('NDJSON and SSE chunks are safe-parsed: a bad one is a failed result, not a throw', async () => {
    const ndjson = pulledFetch(endless('{"n":1}\nnot json\n{"n":"two"}\n', 28));
    const lines = await postJsonToApi({ ...call(ndjson.fetch), successfulResponseHandler: createJsonStreamResponseHandler(Chunk) });
    expect((await drain(lines)).flat()).toEqual([{ success: true, value: { n: 1 } }, { success: false }, { success: false }]);
    const sse = pulledFetch(endless('data: {"n":1}\n\ndata: oops\n\ndata: [DONE]\n\ndata: {"n":3}\n\n', 60));
    const frames = await postJsonToApi({ ...call(sse.fetch), successfulResponseHandler: createEventSourceResponseHandler(Chunk) });
    expect(await drain(frames)).toEqual([{ success: true, value: { n: 1 } }, { success: false }]);
  });
});

describe('postJsonToApi error mapping', () => {
  it('refused connection, HTTP status with the upstream text, timeout; an abort passes through untouched', async () => {
    const refused = await postJsonToApi({
      ...call((async () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      }) as unknown as typeof fetch),
      successfulResponseHandler: async () => 'never',
    }).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({
      code: 'llm_unavailable',
      message: 'Cannot reach The model server at http://upstream.test: connection refused',
    });

    const failed = await postJsonToApi({
      ...call((async () => new Response('{"error":{"message":"rate limited"}}', { status: 429 })) as unknown as typeof fetch),
      successfulResponseHandler: async () => 'never',
    }).catch((caught: unknown) => caught);
    expect(failed).toMatchObject({
      code: 'llm_error',
      statusCode: 429,
      isRetryable: true,
      message: 'The model server answered HTTP 429: rate limited',
    });

    const waitForAbort = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) =>
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason)),
      )) as unknown as typeof fetch;
    const timedOut = await postJsonToApi({
      ...call(waitForAbort),
      timeout: { totalMs: 1 },
      successfulResponseHandler: async () => 'never',
    }).catch((caught: unknown) => caught);
    expect(timedOut).toMatchObject({ code: 'llm_timeout', message: expect.stringMatching(/^The model server did not answer within/) });

    const controller = new AbortController();
    const reason = new DOMException('stopped by the user', 'AbortError');
    const pending = postJsonToApi({
      ...call(waitForAbort),
      abortSignal: controller.signal,
      successfulResponseHandler: async () => 'never',
    }).catch((caught: unknown) => caught);
    controller.abort(reason);
    expect(await pending).toBe(reason);
  });
});
