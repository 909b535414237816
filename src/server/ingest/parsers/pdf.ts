import fs from 'node:fs/promises';
import { getDocumentProxy } from 'unpdf';
import { PARSE_LIMITS } from '../parse-limits.ts';
import { assertPdfDecodedSizeWithin } from '../pdf-stream-guard.ts';
import { DocumentParseError, type TextSegment } from '../parsed-document.ts';
import type { DocumentParser } from './document-parser.ts';

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;

interface PdfTextItem {
  str: string;
  hasEOL: boolean;
  transform: number[];
  height: number;
}

/**
 * PDF, page by page with pdf.js (through unpdf): one segment per page that has text. Eval and font
 * loading are off (CVE-2024-4367 ran code through a crafted font), no scripting, no XFA. Streams that
 * would decode past the document's cap are refused first (decompression bombs).
 */
export const parsePdf: DocumentParser = async ({ filePath, maxDecodedBytes, onProgress }) => {
  const data = new Uint8Array(await fs.readFile(filePath));
  await assertPdfDecodedSizeWithin(data, maxDecodedBytes);
  const pdf = await openPdf(data);
  try {
    const pagesTotal = pdf.numPages;
    if (pagesTotal > PARSE_LIMITS.maxPdfPages) {
      throw new DocumentParseError(`This PDF has ${pagesTotal} pages; at most ${PARSE_LIMITS.maxPdfPages} are supported`, 'too_large');
    }
    onProgress({ stage: 'parsing', pagesDone: 0, pagesTotal });
    const segments: TextSegment[] = [];
    let characters = 0;
    let failedPages = 0;
    for (let pageNumber = 1; pageNumber <= pagesTotal; pageNumber += 1) {
      const text = await readPageText(pdf, pageNumber).catch(() => {
        failedPages += 1;
        return '';
      });
      if (text) {
        characters += text.length;
        if (characters > PARSE_LIMITS.maxTextChars) {
          throw new DocumentParseError('This PDF holds too much text to index', 'too_large');
        }
        segments.push({ text, page: pageNumber, kind: 'prose' });
      }
      onProgress({ stage: 'parsing', pagesDone: pageNumber, pagesTotal });
    }
    if (segments.length === 0) {
      if (failedPages === pagesTotal && pagesTotal > 0) {
        throw new DocumentParseError('The PDF is damaged: none of its pages can be read', 'corrupt');
      }
      throw new DocumentParseError('This PDF has no text layer (scanned?); OCR is not supported yet', 'no_text_layer');
    }
    return { segments, pageCount: pagesTotal, metadata: await readMetadata(pdf) };
  } finally {
    await pdf.destroy().catch(() => {});
  }
};

async function openPdf(data: Uint8Array): Promise<PdfDocument> {
  try {
    return await getDocumentProxy(data, {
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      enableXfa: false,
      stopAtErrors: false,
      verbosity: 0,
    });
  } catch (error) {
    if ((error as { name?: string }).name === 'PasswordException') {
      throw new DocumentParseError('This PDF is password-protected: remove the password and upload it again', 'encrypted');
    }
    throw new DocumentParseError('The PDF is damaged or not a PDF', 'corrupt');
  }
}

/**
 * Joins pdf.js text items into lines; a vertical gap clearly larger than the line height becomes a
 * blank line, so the chunker can cut between paragraphs.
 */
async function readPageText(pdf: PdfDocument, pageNumber: number): Promise<string> {
  const page = await pdf.getPage(pageNumber);
  try {
    const content = await page.getTextContent();
    let text = '';
    let lineY: number | undefined;
    let lineHeight = 0;
    let atLineStart = true;
    for (const item of content.items as Array<PdfTextItem | { type: string }>) {
      if (!('str' in item)) continue;
      const y = item.transform[5] ?? 0;
      if (atLineStart && item.str !== '') {
        if (lineY !== undefined && lineHeight > 0 && Math.abs(lineY - y) > lineHeight * 1.8) text += '\n';
        lineY = y;
        lineHeight = item.height;
        atLineStart = false;
      }
      text += item.str;
      if (item.hasEOL) {
        text += '\n';
        atLineStart = true;
      }
    }
    return tidy(text);
  } finally {
    page.cleanup();
  }
}

function tidy(text: string): string {
  return text
    .replaceAll('\u0000', '')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

async function readMetadata(pdf: PdfDocument): Promise<Record<string, string>> {
  try {
    const info = (await pdf.getMetadata()).info as Record<string, unknown> | undefined;
    const metadata: Record<string, string> = {};
    for (const [key, name] of [
      ['Title', 'title'],
      ['Author', 'author'],
      ['Subject', 'subject'],
    ] as const) {
      const value = info?.[key];
      if (typeof value === 'string' && value.trim()) metadata[name] = value.trim().slice(0, 500);
    }
    return metadata;
  } catch {
    return {};
  }
}
