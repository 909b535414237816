import fs from 'node:fs/promises';
import type { WrappedPdfiumModule } from '@embedpdf/pdfium';
import { PARSE_LIMITS } from '../parse-limits.ts';
import { assertPdfDecodedSizeWithin } from '../pdf-stream-guard.ts';
import { DocumentParseError, type TextSegment } from '../parsed-document.ts';
import type { DocumentParser, ParseContext, ParserOutput } from './document-parser.ts';
import { loadPdfium, PDFIUM_ERROR, pdfiumAborted } from './pdfium.ts';

/**
 * PDF, page by page with PDFium (WebAssembly): one segment per page that has text. PDFium runs no
 * JavaScript and loads no fonts for text extraction; it was measured at about twice pdf.js's pages
 * per second with a third of its memory, with the same text on every fixture
 * (../shared/reference/dependencies.md §4). Streams that would decode past the document's cap are
 * refused first (decompression bombs): PDFium inflates inside its own heap, which the worker's
 * memory sampling sees but the V8 heap limit does not.
 */
export const parsePdf: DocumentParser = async ({ filePath, maxDecodedBytes, onProgress }) => {
  const data = new Uint8Array(await fs.readFile(filePath));
  await assertPdfDecodedSizeWithin(data, maxDecodedBytes);
  const pdfium = await loadPdfium();
  try {
    return readPdf(pdfium, data, onProgress);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) throw pdfiumAborted(pdfium);
    throw error;
  }
};

function readPdf(pdfium: WrappedPdfiumModule, data: Uint8Array, onProgress: ParseContext['onProgress']): ParserOutput {
  const document = openPdf(pdfium, data);
  try {
    const pagesTotal = pdfium.FPDF_GetPageCount(document.handle);
    if (pagesTotal > PARSE_LIMITS.maxPdfPages) {
      throw new DocumentParseError(`This PDF has ${pagesTotal} pages; at most ${PARSE_LIMITS.maxPdfPages} are supported`, 'too_large');
    }
    onProgress({ stage: 'parsing', pagesDone: 0, pagesTotal });
    const segments: TextSegment[] = [];
    let characters = 0;
    let failedPages = 0;
    const scratch = new PageScratch(pdfium);
    try {
      for (let pageIndex = 0; pageIndex < pagesTotal; pageIndex += 1) {
        const text = readPageText(pdfium, document.handle, pageIndex, scratch);
        if (text === undefined) failedPages += 1;
        else if (text) {
          characters += text.length;
          if (characters > PARSE_LIMITS.maxTextChars) {
            throw new DocumentParseError('This PDF holds too much text to index', 'too_large');
          }
          segments.push({ text, page: pageIndex + 1, kind: 'prose' });
        }
        onProgress({ stage: 'parsing', pagesDone: pageIndex + 1, pagesTotal });
      }
    } finally {
      scratch.free();
    }
    if (segments.length === 0) {
      if (failedPages === pagesTotal && pagesTotal > 0) {
        throw new DocumentParseError('The PDF is damaged: none of its pages can be read', 'corrupt');
      }
      throw new DocumentParseError('This PDF has no text layer (scanned?); OCR is not supported yet', 'no_text_layer');
    }
    return { segments, pageCount: pagesTotal, metadata: readMetadata(pdfium, document.handle) };
  } finally {
    document.close();
  }
}

/**
 * Buffers in PDFium's heap reused for every page of a document (a page's text, a character's
 * origin), grown when a page needs more, instead of two allocations per page.
 */
class PageScratch {
  private textBuffer = 0;
  private textBytes = 0;
  readonly origin: number;

  constructor(private readonly pdfium: WrappedPdfiumModule) {
    this.origin = pdfium.pdfium.wasmExports.malloc(16);
    if (!this.origin) throw new DocumentParseError('The file needs more memory than a parse may use', 'memory');
  }

  /** A buffer of at least `bytes` (valid until the next call). */
  text(bytes: number): number {
    if (bytes > this.textBytes) {
      const { wasmExports } = this.pdfium.pdfium;
      if (this.textBuffer) wasmExports.free(this.textBuffer);
      this.textBuffer = wasmExports.malloc(bytes);
      this.textBytes = this.textBuffer ? bytes : 0;
      if (!this.textBuffer) throw new DocumentParseError('The file needs more memory than a parse may use', 'memory');
    }
    return this.textBuffer;
  }

  free(): void {
    const { wasmExports } = this.pdfium.pdfium;
    if (this.textBuffer) wasmExports.free(this.textBuffer);
    wasmExports.free(this.origin);
  }
}

interface OpenPdf {
  handle: number;
  close: () => void;
}

/** Copies the file into PDFium's heap; that copy must outlive the document, so `close` frees both. */
function openPdf(pdfium: WrappedPdfiumModule, data: Uint8Array): OpenPdf {
  const { wasmExports } = pdfium.pdfium;
  // Emscripten's heap view; the package's types leave it out (they reference @types/emscripten).
  const { HEAPU8 } = pdfium.pdfium as unknown as { HEAPU8: Uint8Array };
  const buffer = wasmExports.malloc(data.length);
  if (!buffer) throw new DocumentParseError('This PDF is too large to open', 'too_large');
  HEAPU8.set(data, buffer);
  const handle = pdfium.FPDF_LoadMemDocument(buffer, data.length, '');
  if (!handle) {
    const error = pdfium.FPDF_GetLastError();
    wasmExports.free(buffer);
    if (error === PDFIUM_ERROR.password) {
      throw new DocumentParseError('This PDF is password-protected: remove the password and upload it again', 'encrypted');
    }
    throw new DocumentParseError('The PDF is damaged or not a PDF', 'corrupt');
  }
  return {
    handle,
    close: () => {
      pdfium.FPDF_CloseDocument(handle);
      wasmExports.free(buffer);
    },
  };
}

/**
 * The page's text with paragraph breaks: a line that starts clearly further below the previous one
 * than its font size (1.8 ×) is preceded by a blank line, so the chunker can cut between paragraphs.
 * `undefined` when the page cannot be read.
 */
function readPageText(pdfium: WrappedPdfiumModule, document: number, pageIndex: number, scratch: PageScratch): string | undefined {
  const page = pdfium.FPDF_LoadPage(document, pageIndex);
  if (!page) return undefined;
  const textPage = pdfium.FPDFText_LoadPage(page);
  if (!textPage) {
    pdfium.FPDF_ClosePage(page);
    return undefined;
  }
  const { UTF16ToString, getValue } = pdfium.pdfium;
  const count = pdfium.FPDFText_CountChars(textPage);
  if (count <= 0) {
    pdfium.FPDFText_ClosePage(textPage);
    pdfium.FPDF_ClosePage(page);
    return '';
  }
  const textBuffer = scratch.text((count + 1) * 2);
  const { origin } = scratch;
  try {
    pdfium.FPDFText_GetText(textPage, 0, count, textBuffer);
    const raw = UTF16ToString(textBuffer, (count + 1) * 2);
    // One UTF-16 unit per character index, except characters outside the BMP: then line starts
    // may be measured one character off, which only moves a paragraph break by a line.
    let text = '';
    let previousY: number | undefined;
    let previousSize = 0;
    let lineStart = 0;
    for (let index = 0; index <= raw.length; index += 1) {
      if (index < raw.length && raw[index] !== '\n') continue;
      const line = raw.slice(lineStart, index);
      if (line.trim() !== '') {
        if (pdfium.FPDFText_GetCharOrigin(textPage, lineStart, origin, origin + 8)) {
          const y = getValue(origin + 8, 'double');
          const size = pdfium.FPDFText_GetFontSize(textPage, lineStart);
          if (previousY !== undefined && previousSize > 0 && Math.abs(previousY - y) > previousSize * 1.8) text += '\n';
          previousY = y;
          previousSize = size;
        }
        text += line;
      }
      text += '\n';
      lineStart = index + 1;
    }
    return tidy(text);
  } finally {
    pdfium.FPDFText_ClosePage(textPage);
    pdfium.FPDF_ClosePage(page);
  }
}

function tidy(text: string): string {
  return (
    text
      .replaceAll('\u0000', '')
      // PDFium marks a word hyphenated at a line end with U+FFFE (or U+0002): it was a hyphen.
      .replace(/[\uFFFE\u0002]/g, '-')
      .replaceAll('\r', '')
      .replace(/[^\S\n]+/g, ' ')
      .replace(/ *\n */g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

const METADATA_TAGS = [
  ['Title', 'title'],
  ['Author', 'author'],
  ['Subject', 'subject'],
] as const;

function readMetadata(pdfium: WrappedPdfiumModule, document: number): Record<string, string> {
  const metadata: Record<string, string> = {};
  const { wasmExports, UTF16ToString } = pdfium.pdfium;
  for (const [tag, name] of METADATA_TAGS) {
    const bytes = pdfium.FPDF_GetMetaText(document, tag, 0, 0);
    if (bytes <= 2) continue;
    const buffer = wasmExports.malloc(bytes);
    try {
      pdfium.FPDF_GetMetaText(document, tag, buffer, bytes);
      const value = UTF16ToString(buffer, bytes).trim();
      if (value) metadata[name] = value.slice(0, 500);
    } finally {
      wasmExports.free(buffer);
    }
  }
  return metadata;
}
