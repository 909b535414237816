import { LlmError, isAbortError } from '../errors.ts';
import { networkError } from './stream-timeouts.ts';

/** Turns texts into vectors. One model, one dimension; batching is the caller's choice. */
export interface Embedder {
  readonly provider: 'ollama' | 'openai';
  readonly modelId: string;
  /** One vector per text, in order. Throws LlmError (isRetryable for 5xx, 429 and timeouts). */
  embed(options: { texts: string[]; signal?: AbortSignal }): Promise<Embedding[]>;
}

/**
 * True when the error means "no embedder here" (server not running, model not pulled, not an
 * embedding model) rather than "try again later": documents are then indexed for full-text search
 * only, and embedded in the background once an embedder answers.
 */
export function isEmbedderUnavailable(error: unknown): boolean {
  if (!(error instanceof LlmError)) return false;
  if (error.code === 'llm_unavailable' || error.code === 'model_not_found') return true;
  return error.statusCode === 400 || error.statusCode === 404 || error.statusCode === 401 || error.statusCode === 403;
}

/** POSTs JSON with a timeout, mapping network and HTTP failures to LlmError. */
export async function postEmbeddingRequest(options: {
  url: string;
  body: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs: number;
  label: string;
  fetch?: typeof fetch;
}): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(options.body),
      signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    if (timeout.aborted || isAbortError(error)) {
      throw new LlmError('llm_timeout', `${options.label} did not answer within ${options.timeoutMs} ms`, { cause: error });
    }
    throw networkError(error, options.label, options.url);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    let detail = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { error?: unknown };
      if (typeof parsed.error === 'string') detail = parsed.error;
      else if (parsed.error && typeof (parsed.error as { message?: unknown }).message === 'string') detail = (parsed.error as { message: string }).message;
    } catch {
      // not JSON: keep the text
    }
    const code = response.status === 404 ? 'model_not_found' : 'llm_error';
    throw new LlmError(code, `${options.label} answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`, {
      statusCode: response.status,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LlmError('llm_bad_response', `${options.label} sent a reply that is not JSON`, { cause: error });
  }
}

/** float32, the precision vectors are stored in; compact, so big batches stay light on the heap. */
export type Embedding = Float32Array;

/**
 * Checks that `vectors` is an array of `expected` equally long arrays of finite numbers and converts
 * them to float32. Hand-written rather than a schema: a batch holds tens of thousands of numbers.
 */
export function toEmbeddings(vectors: unknown, expected: number, label: string): Embedding[] {
  if (!Array.isArray(vectors) || vectors.length !== expected) {
    throw new LlmError('llm_bad_response', `${label} returned ${Array.isArray(vectors) ? vectors.length : 'no'} embeddings for ${expected} texts`);
  }
  const dimensions = Array.isArray(vectors[0]) ? vectors[0].length : 0;
  return vectors.map((vector: unknown) => {
    if (!Array.isArray(vector) || vector.length !== dimensions || dimensions === 0) {
      throw new LlmError('llm_bad_response', `${label} returned malformed embeddings`);
    }
    const embedding = new Float32Array(dimensions);
    for (let index = 0; index < dimensions; index += 1) {
      const value = vector[index];
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new LlmError('llm_bad_response', `${label} returned malformed embeddings`);
      embedding[index] = value;
    }
    return embedding;
  });
}
