import fs from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';
import type { DocumentFileType } from './parsed-document.ts';
import { decodeText } from './text-decoding.ts';

export type DetectionResult =
  | { ok: true; fileType: DocumentFileType; mimeType: string }
  | { ok: false; reason: 'unsupported' | 'legacy_office' | 'empty' | 'mismatch'; message: string };

export const MIME_TYPES: Record<DocumentFileType, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
  md: 'text/markdown',
  txt: 'text/plain',
  html: 'text/html',
};

/** Text formats have no signature: the name's extension chooses among them. */
const TEXT_EXTENSIONS: Record<string, DocumentFileType> = {
  '.txt': 'txt',
  '.text': 'txt',
  '.log': 'txt',
  '.md': 'md',
  '.markdown': 'md',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.html': 'html',
  '.htm': 'html',
};

/** The names a file of each type may carry: a declared type must match the bytes (HTML named .pdf is refused). */
const EXTENSIONS_OF: Record<DocumentFileType, string[]> = {
  pdf: ['.pdf'],
  docx: ['.docx'],
  xlsx: ['.xlsx'],
  csv: ['.csv', '.tsv'],
  md: ['.md', '.markdown'],
  txt: ['.txt', '.text', '.log'],
  html: ['.html', '.htm'],
};
const DESCRIPTION_OF: Record<DocumentFileType, string> = {
  pdf: 'a PDF',
  docx: 'a Word document',
  xlsx: 'an Excel workbook',
  csv: 'CSV',
  md: 'Markdown',
  txt: 'text',
  html: 'HTML',
};

const SUPPORTED = 'PDF, DOCX, XLSX, CSV, Markdown, TXT or HTML';
/** Enough to sniff text and find a PDF header (allowed anywhere in the first 1024 bytes). */
const SAMPLE_BYTES = 64 * 1024;
/** A DOCX/XLSX lists its main part among its first entries; stop looking after this many. */
const MAX_ZIP_ENTRIES_SCANNED = 5_000;

const OLE2_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_SIGNATURE = [0x50, 0x4b, 0x05, 0x06];

/**
 * Decides the type from the file's bytes (magic numbers, ZIP directory, text sniffing), using the name only to
 * choose among text formats (txt/md/csv/html); then the name's extension, when it has one, must be one of
 * that type's. A PNG or HTML named .pdf → { ok:false, reason:'unsupported' }.
 */
export async function detectFileType(options: { filePath: string; filename: string }): Promise<DetectionResult> {
  const result = await detectFromBytes(options);
  const extension = path.extname(options.filename).toLowerCase();
  if (!result.ok || !extension || EXTENSIONS_OF[result.fileType].includes(extension)) return result;
  return {
    ok: false,
    reason: 'mismatch',
    message: `This file is named ${extension} but its contents are ${DESCRIPTION_OF[result.fileType]}: rename it to ${EXTENSIONS_OF[result.fileType][0]} or upload the right file`,
  };
}

async function detectFromBytes(options: { filePath: string; filename: string }): Promise<DetectionResult> {
  const sample = await readSample(options.filePath);
  if (sample.length === 0) return { ok: false, reason: 'empty', message: 'The file is empty' };
  const extension = path.extname(options.filename).toLowerCase();

  if (indexOfAscii(sample.subarray(0, 1024), '%PDF-') !== -1) return detected('pdf');
  if (startsWith(sample, OLE2_SIGNATURE)) return legacyOffice(sample, extension);
  if (startsWith(sample, ZIP_SIGNATURE) || startsWith(sample, EMPTY_ZIP_SIGNATURE)) {
    return detectOfficeOpenXml(options.filePath);
  }

  const decoded = decodeText(sample, { allowLatin1: true, partial: true });
  if (!decoded) {
    // Binary content: say so when the name promised text or a PDF, rather than "type not supported".
    if (TEXT_EXTENSIONS[extension] || extension === '.pdf') {
      return unsupported(`This file is named ${extension} but its contents are not ${extension === '.pdf' ? 'a PDF' : 'text'}`);
    }
    return unsupported();
  }
  const textType = TEXT_EXTENSIONS[extension];
  // Text named as a binary format: say what it is not (HTML named .pdf is the classic disguise).
  if (extension === '.pdf' || extension === '.docx' || extension === '.xlsx') {
    return unsupported(
      `This file is named ${extension} but its contents are ${looksLikeHtml(decoded.text) ? 'HTML' : 'text'}, not ${DESCRIPTION_OF[extension.slice(1) as DocumentFileType]}`,
    );
  }
  // The declared text type wins (HTML saved as .txt is indexed, and served, as plain text).
  if (textType) return detected(textType);
  if (!extension && looksLikeHtml(decoded.text)) return detected('html');
  return unsupported();
}

function detected(fileType: DocumentFileType): DetectionResult {
  return { ok: true, fileType, mimeType: MIME_TYPES[fileType] };
}

function unsupported(what = 'This file type is not supported'): DetectionResult {
  return { ok: false, reason: 'unsupported', message: `${what}: upload ${SUPPORTED}` };
}

async function readSample(filePath: string): Promise<Buffer> {
  const handle = await fs.open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * An OLE2 compound file is a legacy Office document, or an encrypted DOCX/XLSX (Office wraps those in
 * OLE2 too). The directory names its streams in UTF-16; the sample usually reaches it.
 */
function legacyOffice(sample: Buffer, extension: string): DetectionResult {
  if (sample.includes(Buffer.from('EncryptedPackage', 'utf16le'))) {
    return {
      ok: false,
      reason: 'unsupported',
      message: 'This file is password-protected: remove the password and upload it again',
    };
  }
  const isWorkbook =
    ['.xls', '.xlt', '.xla'].includes(extension) ||
    (!['.doc', '.dot'].includes(extension) && sample.includes(Buffer.from('Workbook', 'utf16le')));
  const isDocument = ['.doc', '.dot'].includes(extension) || sample.includes(Buffer.from('WordDocument', 'utf16le'));
  if (isWorkbook) {
    return {
      ok: false,
      reason: 'legacy_office',
      message: 'Legacy .xls files are not supported: save it as .xlsx and upload again',
    };
  }
  if (isDocument) {
    return {
      ok: false,
      reason: 'legacy_office',
      message: 'Legacy .doc files are not supported: save it as .docx and upload again',
    };
  }
  return {
    ok: false,
    reason: 'legacy_office',
    message: 'Legacy Office files (.doc, .xls, .ppt) are not supported: save it as .docx or .xlsx and upload again',
  };
}

/** DOCX and XLSX are both ZIP files; their main part tells them apart. */
async function detectOfficeOpenXml(filePath: string): Promise<DetectionResult> {
  let names: Set<string>;
  try {
    names = await listZipEntryNames(filePath, MAX_ZIP_ENTRIES_SCANNED);
  } catch {
    return unsupported('This ZIP file is damaged or not a Word/Excel document');
  }
  if (names.has('word/document.xml')) return detected('docx');
  if (names.has('xl/workbook.xml')) return detected('xlsx');
  if (names.has('ppt/presentation.xml')) return unsupported('PowerPoint files are not supported yet');
  return unsupported('ZIP archives are not supported');
}

async function listZipEntryNames(filePath: string, limit: number): Promise<Set<string>> {
  const zipFile = await yauzl.openPromise(filePath, { lazyEntries: true, autoClose: false, strictFileNames: false });
  const names = new Set<string>();
  try {
    for await (const entry of zipFile.eachEntry()) {
      names.add(entry.fileName);
      if (names.size >= limit || names.has('word/document.xml') || names.has('xl/workbook.xml')) break;
    }
  } finally {
    zipFile.close();
  }
  return names;
}

function looksLikeHtml(text: string): boolean {
  const head = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 256)
    .toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

function indexOfAscii(bytes: Buffer, text: string): number {
  return bytes.indexOf(Buffer.from(text, 'latin1'));
}
