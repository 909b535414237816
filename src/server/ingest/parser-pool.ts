// STAND-IN, replaced by the parse branch: in-process, txt/md/csv only, one segment per paragraph.
import fs from 'node:fs/promises';
import { chunkDocument } from './chunker.ts';
import { type Chunk, type DocumentFileType, DocumentParseError, type ParsedDocument, type TextSegment } from './parsed-document.ts';

export interface ParseRequest {
  filePath: string;
  fileType: DocumentFileType;
  filename: string;
  chunkSize: number;
  chunkOverlap: number;
}
export interface ParseProgress { stage: 'parsing' | 'chunking'; pagesDone?: number; pagesTotal?: number }
export interface ParseResult { parsed: ParsedDocument; chunks: Chunk[] }
export interface ParserPool {
  process(request: ParseRequest, options?: { signal?: AbortSignal; onProgress?: (progress: ParseProgress) => void }): Promise<ParseResult>;
  close(): Promise<void>;
}

export function createParserPool(_options: { size: number; timeoutMs: number; maxMemoryMb: number }): ParserPool {
  return {
    async process(request, options = {}) {
      options.signal?.throwIfAborted();
      options.onProgress?.({ stage: 'parsing', pagesDone: 0, pagesTotal: 1 });
      const text = (await fs.readFile(request.filePath, 'utf8')).replace(/\r\n/g, '\n');
      const segments = request.fileType === 'csv' ? csvSegments(text, request.filename) : proseSegments(text, request.fileType);
      if (request.fileType !== 'csv' && request.fileType !== 'txt' && request.fileType !== 'md') {
        throw new DocumentParseError(`Unsupported file type: ${request.fileType}`, 'unsupported');
      }
      if (segments.length === 0) throw new DocumentParseError('The document has no text', 'empty');
      const parsed: ParsedDocument = {
        fileType: request.fileType,
        segments,
        wordCount: text.split(/\s+/).filter(Boolean).length,
        metadata: {},
      };
      options.onProgress?.({ stage: 'chunking', pagesDone: 1, pagesTotal: 1 });
      options.signal?.throwIfAborted();
      return { parsed, chunks: chunkDocument(parsed, request) };
    },
    async close() {},
  };
}

function proseSegments(text: string, fileType: DocumentFileType): TextSegment[] {
  let heading: string | undefined;
  const segments: TextSegment[] = [];
  for (const block of text.split(/\n{2,}/)) {
    const trimmed = block.trim();
    if (!trimmed) continue;
    const match = fileType === 'md' ? /^#{1,6}\s+(.+)$/m.exec(trimmed) : null;
    if (match) heading = match[1]!.trim();
    segments.push({ text: trimmed, heading, kind: 'prose' });
  }
  return segments;
}

function csvSegments(text: string, filename: string): TextSegment[] {
  const lines = text.split('\n').filter((line) => line.trim());
  if (lines.length < 2) return [];
  return [{ text: lines.slice(1).join('\n'), header: lines[0], sheet: filename, rowStart: 2, rowEnd: lines.length, kind: 'rows' }];
}
