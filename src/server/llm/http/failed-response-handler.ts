import { z } from 'zod';
import { LlmError } from '../../errors.ts';
import { safeJson } from './parse-json.ts';
import type { ResponseHandler } from './upstream-call.ts';

/** How much of an error body is read: enough for any real message, never a whole page. */
const MAX_ERROR_BODY_BYTES = 16 * 1024;

/** Ollama's `{"error": "…"}` and OpenAI's `{"error": {"message": "…"}}`. */
const UpstreamErrorBody = z.object({
  error: z.union([z.string(), z.object({ message: z.string() }).passthrough()]),
});

/**
 * Turns a non-2xx response into an `LlmError` carrying the status (so `isRetryable` follows it) and
 * the upstream's own error text. A 404 is `model_not_found` when the call names a model (`notFound`).
 */
export function createFailedResponseHandler(
  options: { notFound?: (detail: string) => string; message?: (failure: { status: number; detail: string; label: string }) => string } = {},
): ResponseHandler<LlmError> {
  return async ({ response, call }) => {
    const detail = await readErrorDetail(response);
    const status = response.status;
    if (status === 404 && options.notFound) {
      return new LlmError('model_not_found', options.notFound(detail), { statusCode: 404 });
    }
    const message = options.message
      ? options.message({ status, detail, label: call.label })
      : `${call.label} answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
    return new LlmError('llm_error', message, { statusCode: status });
  };
}

/** The upstream's error text: the `error` field of a JSON body, else the start of the body. */
export async function readErrorDetail(response: Response): Promise<string> {
  try {
    const text = await readBounded(response, MAX_ERROR_BODY_BYTES);
    const parsed = UpstreamErrorBody.safeParse(safeJson(text));
    if (parsed.success) return typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message;
    return text.slice(0, 300).trim();
  } catch {
    return '';
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk.subarray(0, Math.max(0, maxBytes - bytes)), { stream: true });
    bytes += chunk.length;
    // Leaving the loop cancels the rest of the body.
    if (bytes >= maxBytes) break;
  }
  return text + decoder.decode();
}
