import type { ParseProgress } from '../parse-request.ts';
import type { TextSegment } from '../parsed-document.ts';

export interface ParseContext {
  filePath: string;
  /** The user's name for the file (CSV uses it as the sheet name). */
  filename: string;
  /** Bytes the file's compressed streams may decode to (decompression bombs). */
  maxDecodedBytes: number;
  onProgress: (progress: ParseProgress) => void;
}

/** What a format parser returns; `parseDocument` adds the file type and word count. */
export interface ParserOutput {
  segments: TextSegment[];
  pageCount?: number;
  metadata: Record<string, string>;
}

/** One per format. Throws DocumentParseError for anything the user should be told about. */
export type DocumentParser = (context: ParseContext) => Promise<ParserOutput>;
