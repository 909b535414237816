// STAND-IN, replaced by the parse branch: extension + `%PDF-`/ZIP magic only.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DocumentFileType } from './parsed-document.ts';

export type DetectionResult =
  | { ok: true; fileType: DocumentFileType; mimeType: string }
  | { ok: false; reason: 'unsupported' | 'legacy_office' | 'empty'; message: string };

const MIME: Record<DocumentFileType, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
  md: 'text/markdown',
  txt: 'text/plain',
  html: 'text/html',
};
const TEXT_TYPES: Record<string, DocumentFileType> = { '.txt': 'txt', '.md': 'md', '.markdown': 'md', '.csv': 'csv', '.html': 'html', '.htm': 'html' };

/** Decides the type from the file's bytes, using the name only to choose among text formats. */
export async function detectFileType(options: { filePath: string; filename: string }): Promise<DetectionResult> {
  const handle = await fs.open(options.filePath, 'r');
  const head = Buffer.alloc(4096);
  let length: number;
  try {
    ({ bytesRead: length } = await handle.read(head, 0, head.length, 0));
  } finally {
    await handle.close();
  }
  const bytes = head.subarray(0, length);
  const extension = path.extname(options.filename).toLowerCase();
  const unsupported = (message: string): DetectionResult => ({ ok: false, reason: 'unsupported', message });
  if (length === 0) return { ok: false, reason: 'empty', message: 'The file is empty' };
  if (extension === '.doc' || extension === '.xls') {
    return { ok: false, reason: 'legacy_office', message: `Legacy ${extension} files are not supported: save as ${extension}x` };
  }
  const ok = (fileType: DocumentFileType): DetectionResult => ({ ok: true, fileType, mimeType: MIME[fileType] });
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return ok('pdf');
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    if (extension === '.docx') return ok('docx');
    if (extension === '.xlsx') return ok('xlsx');
    return unsupported('Unsupported file type: a ZIP archive that is not a .docx or .xlsx');
  }
  const textType = TEXT_TYPES[extension];
  if (!textType || bytes.includes(0)) return unsupported(`Unsupported file type: ${options.filename}`);
  return ok(textType);
}
