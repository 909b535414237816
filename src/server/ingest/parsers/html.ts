import { DocumentParseError } from '../parsed-document.ts';
import type { DocumentParser } from './document-parser.ts';
import { htmlToSegments } from './html-to-segments.ts';
import { readTextFile } from './text.ts';

/** HTML: only the text a reader sees (no script, style or hidden elements), sections under headings. */
export const parseHtml: DocumentParser = async ({ filePath, onProgress }) => {
  onProgress({ stage: 'parsing' });
  const { segments, title } = htmlToSegments(await readTextFile(filePath));
  if (segments.length === 0) throw new DocumentParseError('This page has no visible text', 'empty');
  const metadata: Record<string, string> = title ? { title } : {};
  return { segments, metadata };
};
