import { z } from 'zod';
import { IdNumber, IdParam, IdString } from './ids.ts';

/**
 * The analytics API (`/api/analytics/projects/{project_id}/…`) with the original's routes and field
 * names, plus `vector_source`: which vectors the view was computed on.
 */

/** `embedding`: the project's active embedding index; `tfidf`: term vectors of the chunk texts (no embedding model). */
export const VectorSource = z.enum(['embedding', 'tfidf']);
export type VectorSource = z.infer<typeof VectorSource>;

export const ReductionMethod = z.enum(['pca', 'tsne', 'umap']);
export type ReductionMethod = z.infer<typeof ReductionMethod>;

const QueryBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')
  .describe('true or false');

const DocumentIds = z.array(IdNumber).min(1).max(1_000).optional().describe('only these documents (filtered before any limit)');

export const EmbeddingsQuery = z.strictObject({
  document_id: IdString.optional(),
  limit: z.coerce.number().int().min(1).max(2_000).default(500),
  include_text: QueryBoolean.default(false),
});

export const EmbeddingsResponse = z.object({
  embeddings: z.array(
    z.object({
      chunk_id: z.string(),
      document_id: z.number().int(),
      document_name: z.string(),
      chunk_index: z.number().int(),
      embedding: z.array(z.number()),
      text: z.string().nullable(),
      metadata: z.record(z.string(), z.unknown()),
    }),
  ),
  total: z.number().int(),
  limit: z.number().int(),
  embedding_model: z.string(),
});

export const DimensionalityReductionBody = z.strictObject({
  method: ReductionMethod.default('pca'),
  dimensions: z.union([z.literal(2), z.literal(3)]).default(2),
  document_ids: DocumentIds,
  n_samples: z.number().int().min(10).max(2_000).default(500),
  perplexity: z.number().min(5).max(50).default(30),
  n_neighbors: z.number().int().min(2).max(50).default(15),
  progress_id: z.uuid().optional().describe('a client-chosen id; GET …/progress/{progress_id} reports how far the computation is'),
});
export type DimensionalityReductionBody = z.infer<typeof DimensionalityReductionBody>;

export const ProjectionPoint = z.object({
  x: z.number(),
  y: z.number(),
  z: z.number().nullable(),
  chunk_id: z.string(),
  chunk_index: z.number().int(),
  document_id: z.number().int(),
  document_name: z.string(),
  text_preview: z.string(),
});
export type ProjectionPoint = z.infer<typeof ProjectionPoint>;

export const DimensionalityReductionResponse = z.object({
  method: ReductionMethod,
  dimensions: z.number().int(),
  points: z.array(ProjectionPoint),
  total_points: z.number().int(),
  /** PCA: the share of the variance along each axis (sklearn's explained_variance_ratio_); null for t-SNE and UMAP. */
  explained_variance: z.array(z.number()).nullable(),
  /** The parameters after capping to the sample: perplexity ≤ (n−1)/3, n_neighbors ≤ n−1. */
  perplexity: z.number().nullable(),
  n_neighbors: z.number().int().nullable(),
  vector_source: VectorSource,
  embedding_model: z.string().nullable(),
});
export type DimensionalityReductionResponse = z.infer<typeof DimensionalityReductionResponse>;

export const ProgressParams = z.object({ project_id: IdParam, progress_id: z.uuid() });

/** How far a map computation is: `reading` the vectors, `computing` (done 0…1 where the method reports it), or `unknown` (finished or never started). */
export const ProgressResponse = z.object({
  progress_id: z.string(),
  stage: z.enum(['reading', 'computing', 'unknown']),
  done: z.number().min(0).max(1).nullable(),
});
export type ProgressResponse = z.infer<typeof ProgressResponse>;

export const SimilarityMatrixBody = z.strictObject({
  scope: z.enum(['document', 'chunk']).default('document'),
  document_ids: DocumentIds,
  max_items: z.number().int().min(2).max(100).default(50),
});
export type SimilarityMatrixBody = z.infer<typeof SimilarityMatrixBody>;

export const SimilarityMatrixResponse = z.object({
  scope: z.enum(['document', 'chunk']),
  /** `text`: the passage (its first 300 characters) in chunk scope, null in document scope. */
  items: z.array(z.object({ id: z.string(), label: z.string(), text: z.string().nullable() })),
  matrix: z.array(z.array(z.number())),
  vector_source: VectorSource,
  embedding_model: z.string().nullable(),
});
export type SimilarityMatrixResponse = z.infer<typeof SimilarityMatrixResponse>;

export const EmbeddingStatsResponse = z.object({
  total_chunks: z.number().int(),
  total_documents: z.number().int(),
  /** 0 when no embedding model has embedded the project. */
  embedding_dimension: z.number().int(),
  embedding_model: z.string().nullable(),
  /** Norms need embeddings (null without); avg_similarity is over a seeded sample of 100 chunks, of term vectors without a model. */
  stats: z.object({
    mean_norm: z.number().nullable(),
    std_norm: z.number().nullable(),
    min_norm: z.number().nullable(),
    max_norm: z.number().nullable(),
    avg_similarity: z.number().nullable(),
  }),
  document_breakdown: z.array(
    z.object({
      document_id: z.number().int(),
      document_name: z.string(),
      chunk_count: z.number().int(),
      avg_norm: z.number().nullable(),
      std_norm: z.number().nullable(),
    }),
  ),
  vector_source: VectorSource,
  /** Chunks with a vector in the active index (fewer than total_chunks while embedding runs). */
  embedded_chunks: z.number().int(),
});
export type EmbeddingStatsResponse = z.infer<typeof EmbeddingStatsResponse>;

export const ChunkTableQuery = z.strictObject({
  document_id: IdString.optional(),
  search: z.string().max(200).optional(),
  skip: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

export const ChunkTableRow = z.object({
  chunk_id: z.string(),
  document_id: z.number().int(),
  document_name: z.string(),
  chunk_index: z.number().int(),
  /** The first 200 characters. */
  text_preview: z.string(),
  char_count: z.number().int(),
  page: z.number().int().nullable(),
  /** Null when the chunk has no vector (no embedding model, or not embedded yet). */
  embedding_dimension: z.number().int().nullable(),
  embedding_norm: z.number().nullable(),
});
export type ChunkTableRow = z.infer<typeof ChunkTableRow>;

export const ChunkTableResponse = z.object({
  chunks: z.array(ChunkTableRow),
  total: z.number().int(),
  skip: z.number().int(),
  limit: z.number().int(),
  embedding_model: z.string().nullable(),
});
export type ChunkTableResponse = z.infer<typeof ChunkTableResponse>;

export const ChunkExportQuery = ChunkTableQuery.pick({ document_id: true, search: true });
