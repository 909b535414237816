import { z } from 'zod';

/** Work the main thread hands to the store's background connection. */
export const BackgroundRequest = z.discriminatedUnion('type', [
  z.object({ id: z.number().int(), type: z.literal('quick_check') }),
  z.object({ id: z.number().int(), type: z.literal('drop_retired_vectors') }),
  z.object({
    id: z.number().int(),
    type: z.literal('vector_search'),
    indexId: z.number().int().positive(),
    embedding: z.instanceof(Float32Array),
    limit: z.number().int().positive(),
  }),
  z.object({
    id: z.number().int(),
    type: z.literal('full_text_search'),
    projectId: z.number().int().positive(),
    query: z.string(),
    limit: z.number().int().positive(),
  }),
  z.object({ id: z.number().int(), type: z.literal('vector_index_warm') }),
  z.object({ id: z.number().int(), type: z.literal('vector_index_stats') }),
  z.object({ id: z.number().int(), type: z.literal('vector_index_flush') }),
]);
export type BackgroundRequest = z.infer<typeof BackgroundRequest>;
/** A request as the client writes it (the id is added when sent). */
export type BackgroundWork = BackgroundRequest extends infer Request
  ? Request extends { id: number }
    ? Omit<Request, 'id'>
    : never
  : never;

export const BackgroundResponse = z.discriminatedUnion('ok', [
  z.object({
    id: z.number().int(),
    ok: z.literal(true),
    /** quick_check: what it found wrong (empty when the file is sound). */
    problems: z.array(z.string()).optional(),
    /** drop_retired_vectors: tables dropped. */
    dropped: z.number().int().optional(),
    /** vector_search: nearest chunks, closest first. */
    matches: z.array(z.object({ chunkId: z.number(), distance: z.number() })).optional(),
    /** full_text_search: best chunks first, higher scores better. */
    hits: z.array(z.object({ chunkId: z.number(), score: z.number() })).optional(),
    /** vector_index_stats: the approximate indexes (absent when the worker keeps none). */
    vectorIndex: z
      .object({
        kind: z.literal('hnsw-f16'),
        minVectors: z.number().int(),
        indexes: z.number().int(),
        building: z.number().int(),
        loading: z.number().int(),
        vectors: z.number().int(),
        memoryBytes: z.number(),
        mappedBytes: z.number(),
        fileBytes: z.number(),
      })
      .optional(),
  }),
  z.object({ id: z.number().int(), ok: z.literal(false), message: z.string(), code: z.string().optional() }),
]);
export type BackgroundResponse = z.infer<typeof BackgroundResponse>;

export interface BackgroundWorkerData {
  entryUrl: string;
  filePath: string;
  /** Approximate indexes for large vector index versions; none when absent (every search exact). */
  vectorIndex?: { dir: string; minVectors: number; verifyStepBytes?: number };
}
