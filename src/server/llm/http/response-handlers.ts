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
 * `fastPath` may recognise the common line shape by hand (the hot path: one line per token); it
 * answers exactly what `schema` would for the lines it accepts, or undefined to leave a line to it.
 */
export function createJsonStreamResponseHandler<T>(
  schema: z.ZodType<T>,
  options: { maxLineBytes?: number; fastPath?: (line: string) => T | undefined } = {},
): ResponseHandler<AsyncIterable<Array<ParseResult<T>>>> {
  return async ({ response, call }) => {
    const splitter = new BoundedLineSplitter({ maxLineBytes: options.maxLineBytes ?? MAX_UPSTREAM_LINE_BYTES, label: call.label });
    const fastPath = options.fastPath;
    const parse = (lines: string[]): Array<ParseResult<T>> | undefined => {
      let batch: Array<ParseResult<T>> | undefined;
      for (const raw of lines) {
        const text = raw.trim();
        if (!text) continue;
        const fast = fastPath?.(text);
        (batch ??= []).push(fast !== undefined ? { success: true, value: fast } : safeParseJson({ text, schema }));
      }
      return batch;
    };
    return readUpstream(response, call, {
      push: (chunk) => parse(splitter.push(chunk)),
      end: () => {
        const rest = splitter.end();
        return rest === undefined ? undefined : parse([rest]);
      },
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
    const frames = readUpstream<Array<ParseResult<T>>>(response, call, {
      push: (chunk, state) => {
        parser.feed(decoder.decode(chunk, { stream: true }));
        if (failure) throw failure;
        const batch: Array<ParseResult<T>> = [];
        for (const event of events.splice(0)) {
          if (event.data === '[DONE]') {
            state.done = true;
            break;
          }
          batch.push(safeParseJson({ text: event.data, schema }));
        }
        return batch.length > 0 ? batch : undefined;
      },
      end: () => undefined,
    });
    return (async function* () {
      for await (const batch of frames) yield* batch;
    })();
  };
}

/** Turns a body's network reads into values: at most one per read (undefined: nothing yet). */
interface ChunkDecoder<T> {
  /** May set `state.done` to stop reading after this read (SSE's `[DONE]`). */
  push(chunk: Uint8Array, state: { done: boolean }): T | undefined;
  end(): T | undefined;
}

/**
 * Reads the body in one loop, a `decoder` step per network read (no generator per stage: this is the
 * streaming hot path), touching the deadline for each, and maps every failure of the read through
 * the one upstream mapping. The deadline is disposed when the stream ends, fails or is abandoned by
 * the consumer (which also hangs up the request).
 */
function readUpstream<T>(response: Response, call: UpstreamCall, decoder: ChunkDecoder<T>): AsyncIterable<T> {
  const body = response.body;
  if (!body) throw new LlmError('llm_bad_response', `${call.label} sent an empty stream`);
  call.streaming = true;
  return (async function* () {
    const state = { done: false };
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        call.deadline.touch();
        const value = decoder.push(chunk, state);
        if (value !== undefined) yield value;
        if (state.done) return;
      }
      const rest = decoder.end();
      if (rest !== undefined) yield rest;
    } catch (error) {
      throw mapUpstreamError(error, call, 'stream');
    } finally {
      call.deadline.dispose();
      // An abandoned or failed stream hangs up: nothing more is read from the upstream.
      if (!call.deadline.signal.aborted) call.deadline.controller.abort();
    }
  })();
}
