import fs from 'node:fs/promises';
import { DocumentParseError, type TextSegment } from '../parsed-document.ts';
import { decodeText, normalizeNewlines } from '../text-decoding.ts';
import type { DocumentParser } from './document-parser.ts';
import { HeadingPath } from './heading-path.ts';

/** Reads a text file: BOM-declared UTF-8/UTF-16, else UTF-8, else Latin-1; one newline convention. */
export async function readTextFile(filePath: string): Promise<string> {
  const decoded = decodeText(await fs.readFile(filePath), { allowLatin1: true });
  if (!decoded) throw new DocumentParseError('This file is not readable text', 'corrupt');
  return normalizeNewlines(decoded.text.replace(/^\uFEFF/, ''));
}

/** Plain text: one segment; the chunker cuts it on paragraphs, sentences and words. */
export const parseText: DocumentParser = async ({ filePath, onProgress }) => {
  onProgress({ stage: 'parsing' });
  const text = (await readTextFile(filePath)).trim();
  if (!text) throw new DocumentParseError('The file has no text', 'empty');
  return { segments: [{ text, kind: 'prose' }], metadata: {} };
};

/** Markdown: one segment per section, cut before each heading (ATX `#` or setext underline). */
export const parseMarkdown: DocumentParser = async ({ filePath, onProgress }) => {
  onProgress({ stage: 'parsing' });
  const segments = markdownSections(await readTextFile(filePath));
  if (segments.length === 0) throw new DocumentParseError('The file has no text', 'empty');
  return { segments, metadata: {} };
};

const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function markdownSections(markdown: string): TextSegment[] {
  const lines = markdown.split('\n');
  const segments: TextSegment[] = [];
  const headings = new HeadingPath();
  let section: string[] = [];
  let fence: string | undefined;

  const endSection = () => {
    const text = section.join('\n').trim();
    const heading = headings.current();
    if (text) segments.push({ text, kind: 'prose', ...(heading ? { heading } : {}) });
    section = [];
  };

  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    } else if (fence === undefined) {
      const atx = ATX_HEADING.exec(line);
      const next = lines[index + 1];
      const previous = lines[index - 1];
      const isSetext =
        line.trim() !== '' &&
        next !== undefined &&
        SETEXT_UNDERLINE.test(next) &&
        (previous === undefined || previous.trim() === '') &&
        !/^ {0,3}(?:[-*+]|\d+[.)])\s/.test(line);
      if (atx || isSetext) {
        endSection();
        const text = stripInline((atx ? atx[1] : line) ?? '');
        // ATX: the number of #; setext: = underlines a level-1 heading, - a level-2 one.
        const level = atx ? /#+/.exec(line)![0].length : next!.trim().startsWith('=') ? 1 : 2;
        if (text) headings.enter(level, text);
      }
    }
    section.push(line);
  }
  endSection();
  return segments;
}

/** Heading text without emphasis, code or link markup. */
function stripInline(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~]+/g, '')
    .trim();
}
