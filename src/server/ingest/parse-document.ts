import { PARSE_LIMITS } from './parse-limits.ts';
import type { ParseProgress } from './parse-request.ts';
import { DocumentParseError, type DocumentFileType, type ParsedDocument } from './parsed-document.ts';
import { parseCsv } from './parsers/csv.ts';
import type { DocumentParser } from './parsers/document-parser.ts';
import { parseDocx } from './parsers/docx.ts';
import { parseHtml } from './parsers/html.ts';
import { parsePdf } from './parsers/pdf.ts';
import { parseMarkdown, parseText } from './parsers/text.ts';
import { parseXlsx } from './parsers/xlsx.ts';

const PARSERS: Record<DocumentFileType, DocumentParser> = {
  pdf: parsePdf,
  docx: parseDocx,
  xlsx: parseXlsx,
  csv: parseCsv,
  md: parseMarkdown,
  txt: parseText,
  html: parseHtml,
};

/** Parses one file with the parser of its (already detected) type. Runs inside a parse worker. */
export async function parseDocument(options: {
  filePath: string;
  fileType: DocumentFileType;
  filename: string;
  maxDecodedBytes?: number;
  onProgress?: (progress: ParseProgress) => void;
}): Promise<ParsedDocument> {
  const output = await PARSERS[options.fileType]({
    filePath: options.filePath,
    filename: options.filename,
    maxDecodedBytes: options.maxDecodedBytes ?? PARSE_LIMITS.maxPdfDecodedBytes,
    onProgress: options.onProgress ?? (() => {}),
  });
  let characters = 0;
  let wordCount = 0;
  for (const segment of output.segments) {
    characters += segment.text.length;
    wordCount += countWords(segment.text);
  }
  if (characters > PARSE_LIMITS.maxTextChars) {
    throw new DocumentParseError('This document holds too much text to index', 'too_large');
  }
  return {
    fileType: options.fileType,
    segments: output.segments,
    ...(output.pageCount !== undefined ? { pageCount: output.pageCount } : {}),
    wordCount,
    metadata: output.metadata,
  };
}

function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}
