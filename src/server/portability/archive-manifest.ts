import { z } from 'zod';
import { MessageStatus } from '../../protocol/rest.ts';
import { Source } from '../../protocol/source.ts';

/**
 * The project archive format (docs/project-archive.md): a zip whose entries are the original files,
 * NDJSON tables and, last, `manifest.json` with the format version and a sha256 per entry. Every
 * schema here parses outside input: an archive may come from anywhere.
 */
export const ARCHIVE_FORMAT = 'daa-project-archive';
/** Bumped on any change an older reader would misread; readers refuse newer versions. */
export const ARCHIVE_FORMAT_VERSION = 2;
export const MANIFEST_ENTRY = 'manifest.json';

/** The tables of an archive, one JSON object a line. */
export const TABLE_ENTRIES = {
  documents: 'documents.ndjson',
  chunks: 'chunks.ndjson',
  vectors: 'vectors.ndjson',
  chats: 'chats.ndjson',
  messages: 'messages.ndjson',
} as const;

/** The original file of a document: `files/<document ref>.<file type>`. */
export const FILE_ENTRY = /^files\/([1-9][0-9]{0,15})\.(pdf|docx|xlsx|csv|md|txt|html)$/;

export function fileEntryName(documentRef: number, fileType: string): string {
  return `files/${documentRef}.${fileType}`;
}

const Timestamp = z.string().min(1).max(64);
const Ref = z.number().int().positive();
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** Read first, on its own, so that a newer archive gets "newer version" rather than a schema error. */
export const ManifestHeader = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  format_version: z.number().int().positive(),
});

export const ManifestEntry = z.strictObject({
  path: z.string().min(1).max(256),
  size: z.number().int().nonnegative(),
  sha256: Sha256,
});

export const ArchiveManifest = z.strictObject({
  format: z.literal(ARCHIVE_FORMAT),
  format_version: z.number().int().positive(),
  created_at: Timestamp,
  app_version: z.string().max(64),
  project: z.strictObject({
    name: z.string().min(1).max(255),
    description: z.string().max(10_000).nullable(),
    settings: z.record(z.string(), z.unknown()),
    created_at: Timestamp,
  }),
  /** The vectors' embedder; null when the project had no active vector index. */
  vector_index: z
    .strictObject({
      provider: z.string().min(1).max(32),
      model: z.string().min(1).max(255),
      dimensions: z.number().int().min(1).max(16_384),
    })
    .nullable(),
  counts: z.strictObject({
    documents: z.number().int().nonnegative(),
    chunks: z.number().int().nonnegative(),
    vectors: z.number().int().nonnegative(),
    chats: z.number().int().nonnegative(),
    messages: z.number().int().nonnegative(),
  }),
  entries: z.array(ManifestEntry).max(10_000_000),
});
export type ArchiveManifest = z.infer<typeof ArchiveManifest>;

export const DocumentLine = z.strictObject({
  ref: Ref,
  filename: z.string().min(1).max(1024),
  file_type: z.enum(['pdf', 'docx', 'xlsx', 'csv', 'md', 'txt', 'html']),
  mime_type: z.string().min(1).max(255),
  file_size: z.number().int().nonnegative(),
  content_hash: Sha256,
  status: z.enum(['pending', 'processing', 'completed', 'failed']),
  error_message: z.string().max(10_000).nullable(),
  page_count: z.number().int().nonnegative().nullable(),
  word_count: z.number().int().nonnegative().nullable(),
  doc_metadata: z.record(z.string(), z.unknown()).nullable(),
  parsed_metadata: z.record(z.string(), z.string()).nullable(),
  file: z.string().regex(FILE_ENTRY),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type DocumentLine = z.infer<typeof DocumentLine>;

export const ChunkLine = z.strictObject({
  document: Ref,
  chunk_index: z.number().int().nonnegative(),
  content: z.string(),
  start_char: z.number().int().nonnegative(),
  end_char: z.number().int().nonnegative(),
  page: z.number().int().nullable(),
  heading: z.string().nullable(),
  sheet: z.string().nullable(),
  rows: z.string().nullable(),
});
export type ChunkLine = z.infer<typeof ChunkLine>;

/** `embedding`: little-endian float32 values, base64 (exact, and a third of the size of JSON numbers). */
export const VectorLine = z.strictObject({
  document: Ref,
  chunk_index: z.number().int().nonnegative(),
  embedding: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
});
export type VectorLine = z.infer<typeof VectorLine>;

export const ChatLine = z.strictObject({
  ref: Ref,
  title: z.string().max(1024),
  title_is_custom: z.boolean(),
  /** Format 2: the chat's own model (null: the project's default answers). */
  model: z.string().min(1).max(200).nullable().optional(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type ChatLine = z.infer<typeof ChatLine>;

export const MessageLine = z.strictObject({
  /** Format 2: the message's id in the archive, and its parent's in the message tree (listed before it). */
  ref: Ref.optional(),
  parent: Ref.nullable().optional(),
  /** Format 2: the shown child among its siblings (answer version, question branch). */
  active: z.boolean().optional(),
  /** Format 2: thumbs up / down. */
  feedback: z.enum(['up', 'down']).nullable().optional(),
  chat: Ref,
  role: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
  sources: z.array(Source).nullable(),
  model_name: z.string().max(255).nullable(),
  status: MessageStatus,
  error: z.string().max(10_000).nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type MessageLine = z.infer<typeof MessageLine>;

export function encodeEmbedding(embedding: Float32Array): string {
  return Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength).toString('base64');
}

/** Undefined when the bytes are not `dimensions` float32 values. */
export function decodeEmbedding(base64: string, dimensions: number): Float32Array | undefined {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.byteLength !== dimensions * 4) return undefined;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const floats = new Float32Array(copy.buffer);
  return floats.every(Number.isFinite) ? floats : undefined;
}
