import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { PARSE_LIMITS } from './parse-limits.ts';
import { DocumentParseError } from './parsed-document.ts';

/**
 * A part is scanned when its content looks like XML, whatever its name: mammoth follows `_rels/.rels`
 * to a main part of any name, so names prove nothing. Images and other binaries do not start like this.
 */
const BYTE_ORDER_MARKS_AND_SPACE = /^(?:\xEF\xBB\xBF|\xFF\xFE|\xFE\xFF|\s)+/;
/** Longest marker we look for, minus one: kept from one chunk to the next so a marker cut in two is found. */
const CARRY_CHARS = 16;

/**
 * Pre-flight for DOCX/XLSX before mammoth or exceljs sees them (both inflate whole parts in memory and
 * parse XML with DTD support). Reads the ZIP central directory and caps the entry count, the declared
 * uncompressed total and each entry's compression ratio (zip bombs); then inflates every entry as a
 * stream, which yauzl checks against the declared sizes (lying headers), and rejects every part that
 * reads as XML, whatever its name, when it declares a DOCTYPE or ENTITY (billion laughs, XXE): Office
 * never writes either.
 */
export async function assertSafeOfficeZip(filePath: string, options: { mainPart: string; kind: string }): Promise<void> {
  let zipFile: ZipFile;
  try {
    zipFile = await yauzl.openPromise(filePath, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch {
    throw new DocumentParseError('The file is damaged: its ZIP structure cannot be read', 'corrupt');
  }
  try {
    const entries = await readDirectory(zipFile);
    if (!entries.some((entry) => entry.fileName === options.mainPart)) {
      throw new DocumentParseError(`The file is damaged or not a ${options.kind}`, 'corrupt');
    }
    for (const entry of entries) await scanEntry(zipFile, entry);
  } finally {
    zipFile.close();
  }
}

async function readDirectory(zipFile: ZipFile): Promise<Entry[]> {
  if (zipFile.entryCount > PARSE_LIMITS.maxZipEntries) {
    throw tooLarge(`it holds ${zipFile.entryCount} parts (at most ${PARSE_LIMITS.maxZipEntries})`);
  }
  const entries: Entry[] = [];
  let declaredTotal = 0;
  try {
    for await (const entry of zipFile.eachEntry()) {
      if (entry.isEncrypted()) {
        throw new DocumentParseError('This file is encrypted: remove the password and upload it again', 'encrypted');
      }
      declaredTotal += entry.uncompressedSize;
      if (declaredTotal > PARSE_LIMITS.maxZipUncompressedBytes) {
        throw tooLarge(`it unpacks to more than ${PARSE_LIMITS.maxZipUncompressedBytes / 1024 / 1024} MB`);
      }
      if (
        entry.uncompressedSize > PARSE_LIMITS.ratioCheckMinBytes &&
        entry.uncompressedSize > entry.compressedSize * PARSE_LIMITS.maxZipCompressionRatio
      ) {
        throw tooLarge('one of its parts is compressed suspiciously well (a zip bomb?)');
      }
      entries.push(entry);
    }
  } catch (error) {
    if (error instanceof DocumentParseError) throw error;
    throw new DocumentParseError('The file is damaged: its ZIP directory cannot be read', 'corrupt');
  }
  return entries;
}

async function scanEntry(zipFile: ZipFile, entry: Entry): Promise<void> {
  if (entry.fileName.endsWith('/')) return;
  let isXml: boolean | undefined;
  let stream: Readable;
  try {
    stream = await zipFile.openReadStreamPromise(entry);
  } catch {
    throw new DocumentParseError('The file is damaged: one of its parts cannot be unpacked', 'corrupt');
  }
  let carry = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // latin1 keeps one char per byte; dropping NULs also catches UTF-16 encoded markers.
      const latin = chunk.toString('latin1').replaceAll('\u0000', '');
      // Decided by the first byte that is not a BOM or white space (XML may start with any amount of it).
      if (isXml === undefined) {
        const head = latin.replace(BYTE_ORDER_MARKS_AND_SPACE, '');
        if (head) isXml = head.startsWith('<');
      }
      if (isXml === false) continue;
      const text = carry + latin.toLowerCase();
      if (text.includes('<!doctype') || text.includes('<!entity')) {
        stream.destroy();
        throw new DocumentParseError('This file declares XML entities, which Office never writes; it was rejected as unsafe', 'corrupt');
      }
      carry = text.slice(-CARRY_CHARS);
    }
  } catch (error) {
    if (error instanceof DocumentParseError) throw error;
    // yauzl fails the stream when the real size differs from the declared one, or the data is bad.
    throw new DocumentParseError('The file is damaged: one of its parts does not unpack cleanly', 'corrupt');
  }
}

function tooLarge(why: string): DocumentParseError {
  return new DocumentParseError(`This file was rejected as unsafe: ${why}`, 'too_large');
}
