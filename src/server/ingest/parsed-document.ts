/**
 * The contract between parsing (worker threads, one module per format under `parsers/`) and the rest
 * of ingestion (chunking, indexing, citations). A parser turns a file into ordered text segments
 * that keep where they came from; the chunker cuts segments into chunks that keep it too.
 */
import type { DocumentFileType, ParseFailureReason } from '../../protocol/documents.ts';

export type { DocumentFileType };

/** A run of text with one position: a PDF page, a section under a heading, a block of sheet rows. */
export interface TextSegment {
  text: string;
  /** 1-based PDF page. */
  page?: number;
  /** The nearest heading above this text (DOCX, MD, HTML). */
  heading?: string;
  /** Spreadsheet sheet name (XLSX; CSV uses the file name). */
  sheet?: string;
  /** Header line repeated at the top of every chunk cut from this segment (tables). */
  header?: string;
  /** 1-based spreadsheet row numbers covered by this segment, first and last (data rows). */
  rowStart?: number;
  rowEnd?: number;
  /** Segments of table rows may be cut only between lines (one line = one row). */
  kind?: 'prose' | 'rows';
}

export interface ParsedDocument {
  fileType: DocumentFileType;
  segments: TextSegment[];
  /** Pages for PDF; sheets for XLSX; undefined otherwise. */
  pageCount?: number;
  wordCount: number;
  /** Title, author … when the format carries them. */
  metadata: Record<string, string>;
}

export interface Chunk {
  chunkIndex: number;
  content: string;
  /** Offsets in the document's full text (the segments' texts joined with "\n\n"). */
  startChar: number;
  endChar: number;
  page?: number;
  heading?: string;
  sheet?: string;
  /** "12-40" for spreadsheet rows. */
  rows?: string;
}

/** Why a document could not be ingested; `message` is shown to the user as is. */
export class DocumentParseError extends Error {
  constructor(
    message: string,
    readonly reason: ParseFailureReason,
  ) {
    super(message);
    this.name = 'DocumentParseError';
  }
}
