import { z } from 'zod';
import type { EmbeddingProvider } from '../../protocol/llm.ts';
import { LlmError } from '../errors.ts';
import { createFailedResponseHandler } from './http/failed-response-handler.ts';
import { postJsonToApi } from './http/post-to-api.ts';
import { createJsonResponseHandler } from './http/response-handlers.ts';

/** Turns texts into vectors. One model, one dimension; batching is the caller's choice. */
export interface Embedder {
  readonly provider: EmbeddingProvider;
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

/** Where an embedding request goes and how long it may take; the HTTP is the shared upstream layer's. */
export interface EmbeddingRequest {
  url: string;
  host: string;
  body: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs: number;
  label: string;
  modelId: string;
  fetch?: typeof fetch;
}

/** POSTs an embedding request and returns its JSON body (checked by the caller, as it is large). */
export function postEmbeddingRequest(options: EmbeddingRequest): Promise<unknown> {
  return postJsonToApi({
    url: options.url,
    label: options.label,
    host: options.host,
    headers: options.headers,
    body: options.body,
    abortSignal: options.signal,
    timeout: { totalMs: options.timeoutMs },
    failedResponseHandler: createFailedResponseHandler({
      notFound: (detail) => `${options.label} has no model '${options.modelId}'${detail ? `: ${detail}` : ''}`,
    }),
    successfulResponseHandler: createJsonResponseHandler(z.unknown(), 'an embedding reply'),
    fetch: options.fetch,
  });
}

/** float32, the precision vectors are stored in; compact, so big batches stay light on the heap. */
export type Embedding = Float32Array;

/**
 * Checks that `vectors` is an array of `expected` equally long arrays of finite numbers and converts
 * them to float32. Hand-written rather than a schema: a batch holds tens of thousands of numbers.
 */
export function toEmbeddings(vectors: unknown, expected: number, label: string): Embedding[] {
  if (!Array.isArray(vectors) || vectors.length !== expected) {
    throw new LlmError(
      'llm_bad_response',
      `${label} returned ${Array.isArray(vectors) ? vectors.length : 'no'} embeddings for ${expected} texts`,
    );
  }
  const dimensions = Array.isArray(vectors[0]) ? vectors[0].length : 0;
  return vectors.map((vector: unknown) => {
    if (!Array.isArray(vector) || vector.length !== dimensions || dimensions === 0) {
      throw new LlmError('llm_bad_response', `${label} returned malformed embeddings`);
    }
    const embedding = new Float32Array(dimensions);
    for (let index = 0; index < dimensions; index += 1) {
      const value = vector[index];
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new LlmError('llm_bad_response', `${label} returned malformed embeddings`);
      embedding[index] = value;
    }
    return embedding;
  });
}
