import { chunkDocument } from './chunker.ts';
import { parseDocument } from './parse-document.ts';
import type { ParseProgress, ParseRequest, ParseResult } from './parse-request.ts';

/** The whole job of a parse worker: parse the file, then chunk it with the request's settings. */
export async function parseAndChunk(request: ParseRequest, onProgress: (progress: ParseProgress) => void = () => {}): Promise<ParseResult> {
  const parsed = await parseDocument({
    filePath: request.filePath,
    fileType: request.fileType,
    filename: request.filename,
    maxDecodedBytes: request.maxDecodedBytes,
    onProgress,
  });
  onProgress({ stage: 'chunking' });
  const chunks = chunkDocument(parsed, { chunkSize: request.chunkSize, chunkOverlap: request.chunkOverlap });
  return { parsed, chunks };
}
