import { analyzedText } from '../store/text-analyzer.ts';
import { chunkDocument } from './chunker.ts';
import { parseDocument } from './parse-document.ts';
import type { ParseProgress, ParseRequest, ParseResult } from './parse-request.ts';
import type { ParsedDocument } from './parsed-document.ts';

/** What parsing and chunking make in-process: the result with the full parsed document. */
export type ParseAndChunkResult = ParseResult & { parsed: ParsedDocument };

/**
 * The whole job of a parse worker: parse the file, chunk it with the request's settings, and analyze
 * each chunk's full-text terms, so the thread that writes the index has nothing left to compute.
 */
export async function parseAndChunk(
  request: ParseRequest,
  onProgress: (progress: ParseProgress) => void = () => {},
): Promise<ParseAndChunkResult> {
  const parsed = await parseDocument({
    filePath: request.filePath,
    fileType: request.fileType,
    filename: request.filename,
    maxDecodedBytes: request.maxDecodedBytes,
    onProgress,
  });
  onProgress({ stage: 'chunking' });
  const chunks = chunkDocument(parsed, { chunkSize: request.chunkSize, chunkOverlap: request.chunkOverlap });
  return { parsed, chunks, terms: chunks.map((chunk) => analyzedText(chunk.content)) };
}

/** The result as it leaves the worker: without the segments, whose text the chunks already carry. */
export async function parseForIndexing(request: ParseRequest, onProgress: (progress: ParseProgress) => void): Promise<ParseResult> {
  const { parsed, chunks, terms } = await parseAndChunk(request, onProgress);
  const { segments: _segments, ...summary } = parsed;
  return { parsed: summary, chunks, terms };
}
