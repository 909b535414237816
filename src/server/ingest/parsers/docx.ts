import mammoth from 'mammoth';
import { assertSafeOfficeZip } from '../ooxml-guard.ts';
import { DocumentParseError } from '../parsed-document.ts';
import type { DocumentParser } from './document-parser.ts';
import { htmlToSegments } from './html-to-segments.ts';

/** Images are dropped unread: they carry no text, and reading them costs memory. */
const skipImages = mammoth.images.imgElement(async () => ({ src: '' }));

/**
 * DOCX through mammoth's HTML (which maps Word's heading styles to h1–h6 and keeps tables), then the
 * same walker as HTML pages: sections under headings, tables as rows with their first row as header.
 */
export const parseDocx: DocumentParser = async ({ filePath, onProgress }) => {
  await assertSafeOfficeZip(filePath, { mainPart: 'word/document.xml', kind: 'Word document' });
  onProgress({ stage: 'parsing' });
  let html: string;
  try {
    ({ value: html } = await mammoth.convertToHtml(
      { path: filePath },
      { convertImage: skipImages, externalFileAccess: false, ignoreEmptyParagraphs: true },
    ));
  } catch {
    throw new DocumentParseError('The Word document is damaged and cannot be read', 'corrupt');
  }
  const { segments } = htmlToSegments(html);
  if (segments.length === 0) throw new DocumentParseError('This Word document has no text', 'empty');
  return { segments, metadata: {} };
};
