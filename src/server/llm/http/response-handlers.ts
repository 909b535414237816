import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { z } from 'zod';
import { LlmError } from '../../errors.ts';
import { BoundedLineSplitter, MAX_UPSTREAM_LINE_BYTES, lineTooLongError } from './bounded-line-splitter.ts';
import { type ParseResult, safeJson, safeParseJson } from './parse-json.ts';
import type { ResponseHandler, UpstreamCall } from './upstream-call.ts';
import { mapUpstreamError } from './upstream-errors.ts';

/**
 * The whole body as JSON, checked by a lenient schema; an empty body is `undefined`. A body that is
 * not JSON or does not fit is `llm_bad_response` with `what` in the message.
 */
export function createJsonResponseHandler<T>(schema: z.ZodType<T>, what = 'a reply'): ResponseHandler<T> {
  return async ({ response, call }) => {
    const text = await response.text();
    const parsed = schema.safeParse(text ? safeJson(text) : undefined);
    if (!parsed.success) throw new LlmError('llm_bad_response', `${call.label} sent ${what} that is not what was expected`);
    return parsed.data;
  };
}

/**
 * NDJSON (Ollama): each line checked by `schema`. Yields the lines of one network read together, so a
 * burst of tokens costs one event downstream, not hundreds. Lines are bounded (`maxLineBytes`).
 */
export function createJsonStreamResponseHandler<T>(
  schema: z.ZodType<T>,
  options: { maxLineBytes?: number } = {},
): ResponseHandler<AsyncIterable<Array<ParseResult<T>>>> {
  return async ({ response, call }) => {
    const splitter = new BoundedLineSplitter({ maxLineBytes: options.maxLineBytes ?? MAX_UPSTREAM_LINE_BYTES, label: call.label });
    const parse = (lines: string[]) =>
      lines
        .map((line) => line.trim())
        .filter(Boolean)
        .map((text) => safeParseJson({ text, schema }));
    return readUpstream(response, call, async function* (chunks) {
      for await (const chunk of chunks) {
        const batch = parse(splitter.push(chunk));
        if (batch.length > 0) yield batch;
      }
      const rest = parse([splitter.end() ?? '']);
      if (rest.length > 0) yield rest;
    });
  };
}

/**
 * Server-sent events (OpenAI-compatible): each `data:` frame checked by `schema`; the stream ends at
 * `data: [DONE]`. Lines and events are bounded (`maxLineBytes`) through the parser's own buffer limit.
 */
export function createEventSourceResponseHandler<T>(
  schema: z.ZodType<T>,
  options: { maxLineBytes?: number } = {},
): ResponseHandler<AsyncIterable<ParseResult<T>>> {
  return async ({ response, call }) => {
    const maxLineBytes = options.maxLineBytes ?? MAX_UPSTREAM_LINE_BYTES;
    return readUpstream(response, call, async function* (chunks) {
      const events: EventSourceMessage[] = [];
      let failure: unknown;
      const parser = createParser({
        maxBufferSize: maxLineBytes,
        onEvent: (event) => events.push(event),
        onError: (error) => {
          failure ??= error.type === 'max-buffer-size-exceeded' ? lineTooLongError(call.label, maxLineBytes) : undefined;
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of chunks) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        if (failure) throw failure;
        for (const event of events.splice(0)) {
          if (event.data === '[DONE]') return;
          yield safeParseJson({ text: event.data, schema });
        }
      }
    });
  };
}

/**
 * Runs `transform` over the body's chunks, touching the deadline for each, and maps every failure of
 * the read through the one upstream mapping. The deadline is disposed when the stream ends, fails or
 * is abandoned by the consumer (which also hangs up the request).
 */
function readUpstream<T>(
  response: Response,
  call: UpstreamCall,
  transform: (chunks: AsyncIterable<Uint8Array>) => AsyncGenerator<T>,
): AsyncIterable<T> {
  const body = response.body;
  if (!body) throw new LlmError('llm_bad_response', `${call.label} sent an empty stream`);
  call.streaming = true;
  async function* touched(): AsyncGenerator<Uint8Array> {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      call.deadline.touch();
      yield chunk;
    }
  }
  return (async function* () {
    try {
      yield* transform(touched());
    } catch (error) {
      throw mapUpstreamError(error, call, 'stream');
    } finally {
      call.deadline.dispose();
      // An abandoned or failed stream hangs up: nothing more is read from the upstream.
      if (!call.deadline.signal.aborted) call.deadline.controller.abort();
    }
  })();
}
