import { z } from 'zod';
import { DocumentFileType as FileType } from '../../protocol/documents.ts';
import type { Chunk, DocumentFileType, ParsedDocument } from './parsed-document.ts';

/** What to parse and how to chunk it; crosses the worker boundary, so it is validated on both sides. */
export const ParseRequestSchema = z
  .object({
    filePath: z.string().min(1),
    fileType: FileType,
    filename: z.string(),
    /** Characters per chunk at most (a lone table row or word longer than this is still split). */
    chunkSize: z.number().int().min(1),
    /** Characters repeated from the end of one chunk at the start of the next. */
    chunkOverlap: z.number().int().min(0),
    /** Bytes a document's compressed streams may decode to (PDF); the pool fills in its configured cap. */
    maxDecodedBytes: z.number().int().min(1).optional(),
  })
  .refine((request) => request.chunkOverlap < request.chunkSize, {
    message: 'chunkOverlap must be smaller than chunkSize',
    path: ['chunkOverlap'],
  });

export interface ParseRequest {
  filePath: string;
  fileType: DocumentFileType;
  filename: string;
  chunkSize: number;
  chunkOverlap: number;
  maxDecodedBytes?: number;
}

export const ParseProgressSchema = z.object({
  stage: z.enum(['parsing', 'chunking']),
  pagesDone: z.number().int().min(0).optional(),
  pagesTotal: z.number().int().min(0).optional(),
});

export interface ParseProgress {
  stage: 'parsing' | 'chunking';
  pagesDone?: number;
  pagesTotal?: number;
}

const TextSegmentSchema = z.object({
  text: z.string(),
  page: z.number().int().optional(),
  heading: z.string().optional(),
  sheet: z.string().optional(),
  header: z.string().optional(),
  rowStart: z.number().int().optional(),
  rowEnd: z.number().int().optional(),
  kind: z.enum(['prose', 'rows']).optional(),
});

export const ParsedDocumentSchema = z.object({
  fileType: FileType,
  segments: z.array(TextSegmentSchema),
  pageCount: z.number().int().optional(),
  wordCount: z.number().int(),
  metadata: z.record(z.string(), z.string()),
}) satisfies z.ZodType<ParsedDocument>;

/** What the indexer needs of a parsed document: the segments stay in the worker (the chunks carry the text). */
export const ParsedSummarySchema = ParsedDocumentSchema.omit({ segments: true });
export type ParsedSummary = Omit<ParsedDocument, 'segments'>;

export const ChunkSchema = z.object({
  chunkIndex: z.number().int(),
  content: z.string(),
  startChar: z.number().int(),
  endChar: z.number().int(),
  page: z.number().int().optional(),
  heading: z.string().optional(),
  sheet: z.string().optional(),
  rows: z.string().optional(),
}) satisfies z.ZodType<Chunk>;

export const ParseResultSchema = z
  .object({
    parsed: ParsedSummarySchema,
    chunks: z.array(ChunkSchema),
    /** Each chunk's full-text index terms (text-analyzer.ts), analyzed in the worker so the writer only writes. */
    terms: z.array(z.string()),
  })
  .refine((result) => result.terms.length === result.chunks.length, { message: 'one terms entry per chunk', path: ['terms'] });

export interface ParseResult {
  parsed: ParsedSummary;
  chunks: Chunk[];
  terms: string[];
}
