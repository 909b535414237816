import { z } from 'zod';

const Timestamp = z.string().describe('UTC, YYYY-MM-DDTHH:MM:SS.mmmZ');

/** A document's coarse state, the original's `status`. */
export const DocumentStatus = z.enum(['pending', 'processing', 'completed', 'failed']);
export type DocumentStatus = z.infer<typeof DocumentStatus>;

/** Where ingestion is: the progress bar's steps. */
export const DocumentStage = z.enum(['queued', 'parsing', 'chunking', 'embedding', 'indexing', 'completed', 'failed']);
export type DocumentStage = z.infer<typeof DocumentStage>;

/** The supported formats, decided by the file's bytes (not its name). */
export const DocumentFileType = z.enum(['pdf', 'docx', 'xlsx', 'csv', 'md', 'txt', 'html']);
export type DocumentFileType = z.infer<typeof DocumentFileType>;

/** Why a document could not be parsed; the message shown with it is a sentence for the user. */
export const ParseFailureReason = z.enum([
  'unsupported',
  'corrupt',
  'empty',
  'no_text_layer',
  'too_large',
  'timeout',
  'memory',
  'encrypted',
]);
export type ParseFailureReason = z.infer<typeof ParseFailureReason>;

/** The original's DocumentResponse plus `stage`, `progress`, `content_hash` and the embedder. */
export const DocumentResponse = z.object({
  id: z.number().int(),
  project_id: z.number().int(),
  /** The original file name (display only). */
  filename: z.string(),
  file_type: DocumentFileType,
  mime_type: z.string(),
  file_size: z.number().int(),
  status: DocumentStatus,
  stage: DocumentStage,
  /** 0–100. */
  progress: z.number().int(),
  page_count: z.number().int().nullable(),
  word_count: z.number().int().nullable(),
  chunk_count: z.number().int(),
  error_message: z.string().nullable(),
  /** sha256 of the bytes; the same content cannot be added twice to a project. */
  content_hash: z.string().nullable(),
  doc_metadata: z.record(z.string(), z.unknown()).nullable(),
  /** The embedding model of this document's vectors; null while it is searchable by full text only. */
  embedding_model: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type DocumentResponse = z.infer<typeof DocumentResponse>;

export const DocumentUploadResponse = z.object({ document: DocumentResponse, message: z.string() });

/** 409 for a duplicate upload: `duplicate_of` is the id of the document that already holds the content. */
export const DuplicateResponse = z.object({ detail: z.string(), code: z.literal('duplicate'), duplicate_of: z.number().int() });

export type DocumentUploadResponse = z.infer<typeof DocumentUploadResponse>;

export const BulkUploadResponse = z.object({
  uploaded: z.array(DocumentResponse),
  failed: z.array(
    z.object({
      filename: z.string(),
      error: z.string(),
      /** Machine-readable: payload_too_large, unsupported_media_type, duplicate … */
      code: z.string().optional(),
      duplicate_of: z.number().int().optional(),
    }),
  ),
  total: z.number().int(),
  successful: z.number().int(),
  failed_count: z.number().int(),
});
export type BulkUploadResponse = z.infer<typeof BulkUploadResponse>;

export const DocumentListQuery = z.object({
  skip: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  status_filter: z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(DocumentStatus)
    .optional(),
});

/** One page of a document's passages (its chunks in order): `offset` and `limit` as in the analytics table. */
export const DocumentPassagesQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});
export type DocumentPassagesQuery = z.infer<typeof DocumentPassagesQuery>;

/** A passage as indexed: its text and where it sits in the file (the position a citation shows). */
export const DocumentPassage = z.object({
  chunk_id: z.number().int(),
  chunk_index: z.number().int(),
  content: z.string(),
  char_count: z.number().int(),
  start_char: z.number().int(),
  end_char: z.number().int(),
  /** 1-based PDF page. */
  page: z.number().int().nullable(),
  /** The headings the passage sits under, outermost first, joined by " › " (DOCX, Markdown, HTML). */
  heading: z.string().nullable(),
  /** Spreadsheet sheet (XLSX; CSV files use their file name). */
  sheet: z.string().nullable(),
  /** Spreadsheet row numbers as in the sheet, "first-last". */
  rows: z.string().nullable(),
});
export type DocumentPassage = z.infer<typeof DocumentPassage>;

export const DocumentPassagesResponse = z.object({
  document_id: z.number().int(),
  filename: z.string(),
  passages: z.array(DocumentPassage),
  /** All passages of the document (0 while it is being processed again). */
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
});
export type DocumentPassagesResponse = z.infer<typeof DocumentPassagesResponse>;

export const DocumentSearchQuery = z.object({
  q: z.string().trim().min(1).max(500),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const DocumentSearchResponse = z.object({
  documents: z.array(DocumentResponse),
  total: z.number().int(),
  query: z.string(),
});

export const DocumentUpdateBody = z.strictObject({
  filename: z.string().trim().min(1).max(512).optional(),
  doc_metadata: z
    .record(z.string().max(100), z.unknown())
    .refine((value) => JSON.stringify(value).length <= 20_000, 'doc_metadata must be under 20 kB of JSON')
    .nullable()
    .optional(),
});

export const BulkDeleteBody = z.strictObject({
  document_ids: z.array(z.number().int().positive()).min(1).max(1000),
});

export const BulkDeleteResponse = z.object({
  deleted: z.array(z.number().int()),
  failed: z.array(z.object({ document_id: z.number().int(), error: z.string() })),
  total: z.number().int(),
  successful: z.number().int(),
  failed_count: z.number().int(),
});

/** How passages were found: both indexes fused, one of them, or none (an empty project). */
export const RetrievalMode = z.enum(['hybrid', 'full_text', 'vector', 'none']);
export type RetrievalMode = z.infer<typeof RetrievalMode>;

/** The original's retrieval tester body; `top_k` up to 100 so outside tools can measure recall. */
export const TestRetrievalBody = z.strictObject({
  query: z.string().trim().min(1).max(4_000),
  top_k: z.number().int().min(1).max(100).default(10),
  min_score: z.number().min(0).max(1).default(0),
  return_embeddings: z.boolean().default(false),
});

export const TestRetrievalResponse = z.object({
  query: z.string(),
  query_embedding: z.null(),
  results: z.array(
    z.object({
      chunk_id: z.string(),
      document_id: z.number().int(),
      document_name: z.string(),
      chunk_index: z.number().int(),
      text: z.string(),
      score: z.number(),
      /** Cosine distance when the vector search found this chunk, else null. */
      distance: z.number().nullable(),
      /** 1-based place in the full-text (BM25) candidates, or null when full text did not find it. */
      full_text_rank: z.number().int().nullable(),
      /** 1-based place in the vector candidates, or null when the vector search did not find it (or did not run). */
      vector_rank: z.number().int().nullable(),
      /** The fused score the passage was ranked by when both searches answered (mode hybrid), else null. */
      fused_score: z.number().nullable(),
      page: z.number().int().nullable(),
      heading: z.string().nullable(),
      sheet: z.string().nullable(),
      rows: z.string().nullable(),
      start_char: z.number().int(),
      end_char: z.number().int(),
    }),
  ),
  stats: z.object({
    avg_score: z.number(),
    min_score: z.number(),
    max_score: z.number(),
    score_distribution: z.array(z.number()),
    mode: RetrievalMode,
    embedding_model: z.string().nullable(),
  }),
});
