import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { DocumentParseError } from './parsed-document.ts';

/** How far back from a `stream` keyword its dictionary may start. */
const DICTIONARY_WINDOW = 4096;
const STREAM = Buffer.from('stream', 'latin1');
const ENDSTREAM = Buffer.from('endstream', 'latin1');
/** Large output chunks: counting a bomb is then a few hundred callbacks, not tens of thousands. */
const INFLATE_CHUNK_BYTES = 1024 * 1024;

/** The filters that shrink data on the way in, so that decoding them can be a bomb. */
type CountableFilter = 'FlateDecode' | 'ASCIIHexDecode' | 'ASCII85Decode';
const FILTER_ALIASES: Record<string, CountableFilter> = {
  FlateDecode: 'FlateDecode',
  Fl: 'FlateDecode',
  ASCIIHexDecode: 'ASCIIHexDecode',
  AHx: 'ASCIIHexDecode',
  ASCII85Decode: 'ASCII85Decode',
  A85: 'ASCII85Decode',
};

/**
 * Pre-flight for PDFs before the parser sees them: PDFium inflates a stream whole into its WebAssembly
 * heap, outside the V8 heap (a 1.5 MB file can decode to 1.5 GB), so the worker's heap limit never
 * trips, and inside one synchronous call, so the worker cannot report its memory meanwhile. This inflates every stream that text extraction would decode (images are skipped: text
 * extraction never decodes them), counting bytes and keeping none, and refuses the file once the
 * total passes `maxDecodedBytes`. Streams it cannot decode alone (encrypted ones, LZW, unknown
 * filters) are left to the parser pool's memory limits.
 */
export async function assertPdfDecodedSizeWithin(data: Uint8Array, maxDecodedBytes: number): Promise<void> {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let total = 0;
  for (let keywordAt = bytes.indexOf(STREAM); keywordAt !== -1; keywordAt = bytes.indexOf(STREAM, keywordAt + STREAM.length)) {
    const start = dataStart(bytes, keywordAt + STREAM.length);
    if (start === undefined || isEndstream(bytes, keywordAt)) continue;
    // latin1: one char per byte, and the dictionary is ASCII.
    const dictionary = dictionaryBefore(bytes.toString('latin1', Math.max(0, keywordAt - DICTIONARY_WINDOW), keywordAt));
    if (dictionary === undefined || /\/Subtype\s*\/Image\b/.test(dictionary)) continue;
    const filters = filtersOf(dictionary) ?? (looksLikeZlib(bytes, start) ? ['FlateDecode' as const] : undefined);
    if (!filters) continue;
    const end = bytes.indexOf(ENDSTREAM, start);
    const raw = bytes.subarray(start, end === -1 ? bytes.length : end);
    total += await decodedSize(raw, filters, maxDecodedBytes - total);
    if (total > maxDecodedBytes) {
      throw new DocumentParseError(
        `This PDF was rejected as unsafe: its contents unpack to more than ${Math.round(maxDecodedBytes / 1024 / 1024)} MB (a decompression bomb?)`,
        'too_large',
      );
    }
  }
}

/** Where a stream's data starts: after the end of line that must follow `stream`. */
function dataStart(bytes: Buffer, afterKeyword: number): number | undefined {
  if (bytes[afterKeyword] === 0x0d) return bytes[afterKeyword + 1] === 0x0a ? afterKeyword + 2 : afterKeyword + 1;
  if (bytes[afterKeyword] === 0x0a) return afterKeyword + 1;
  return undefined;
}

/** A zlib header: catches Flate data behind a filter this guard cannot read (an indirect `/Filter`). */
function looksLikeZlib(bytes: Buffer, at: number): boolean {
  const first = bytes[at];
  const second = bytes[at + 1];
  return first !== undefined && second !== undefined && (first & 0x0f) === 8 && (first * 256 + second) % 31 === 0;
}

function isEndstream(bytes: Buffer, keywordAt: number): boolean {
  return keywordAt >= 3 && bytes.toString('latin1', keywordAt - 3, keywordAt) === 'end';
}

/** The `<< … >>` right before a `stream` keyword (after the object's `obj`), or undefined. */
function dictionaryBefore(window: string): string | undefined {
  const objAt = window.lastIndexOf('obj');
  const dictionary = objAt === -1 ? window : window.slice(objAt + 3);
  return dictionary.includes('<<') ? dictionary : undefined;
}

/**
 * The filter chain in decoding order when this guard can decode all of it and it contains a
 * compressing filter; undefined otherwise (no filter: the size is the file's own; other filters:
 * left to the watchdog).
 */
function filtersOf(dictionary: string): CountableFilter[] | undefined {
  const filter = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dictionary)?.[1];
  if (!filter) return undefined;
  const names = [...filter.matchAll(/\/([A-Za-z0-9]+)/g)].map((name) => name[1]!);
  const chain: CountableFilter[] = [];
  for (const name of names) {
    const known = FILTER_ALIASES[name];
    if (!known) return undefined;
    chain.push(known);
  }
  return chain.includes('FlateDecode') ? chain : undefined;
}

/**
 * Most streams are small and compress a few times over: one synchronous inflate, its output bounded
 * to a multiple of the input, answers for them; anything larger or stranger takes the counting path.
 */
const FAST_PATH_MAX_RAW_BYTES = 256 * 1024;
const FAST_PATH_MAX_RATIO = 64;

/** Decodes `raw` through `filters`, counting output; stops as soon as it passes `budget`. */
async function decodedSize(raw: Buffer, filters: CountableFilter[], budget: number): Promise<number> {
  if (filters.length === 1 && filters[0] === 'FlateDecode' && raw.length <= FAST_PATH_MAX_RAW_BYTES) {
    try {
      const maxOutputLength = Math.min(budget + 1, raw.length * FAST_PATH_MAX_RATIO + 1024);
      return zlib.inflateSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength }).length;
    } catch {
      // Too big for the fast path, or damaged: count it as a stream.
    }
  }
  let size = 0;
  const stages: Array<NodeJS.ReadWriteStream | Transform> = filters.map((filter) => {
    switch (filter) {
      case 'FlateDecode':
        // Like PDF readers do, accept a stream cut short or followed by junk.
        return zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: INFLATE_CHUNK_BYTES });
      case 'ASCIIHexDecode':
        return transformWhole(decodeAsciiHex);
      case 'ASCII85Decode':
        return transformWhole(decodeAscii85);
      default:
        return filter satisfies never;
    }
  });
  const counter = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(size > budget ? new BudgetExceeded() : null);
    },
  });
  try {
    await pipeline([Readable.from([raw]), ...stages, counter]);
  } catch (error) {
    // Damaged data: the parser will decide; what decoded so far counts.
    if (!(error instanceof BudgetExceeded)) return size;
  }
  return size;
}

class BudgetExceeded extends Error {}

/** ASCII filters shrink their input, so decoding them whole costs at most the raw stream's size. */
function transformWhole(decode: (input: Buffer) => Buffer): Transform {
  const parts: Buffer[] = [];
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
    flush(callback) {
      callback(null, decode(Buffer.concat(parts)));
    },
  });
}

function decodeAsciiHex(input: Buffer): Buffer {
  const digits = input
    .toString('latin1')
    .split('>')[0]!
    .replace(/[^0-9A-Fa-f]/g, '');
  return Buffer.from(digits.length % 2 ? `${digits}0` : digits, 'hex');
}

function decodeAscii85(input: Buffer): Buffer {
  const text = input.toString('latin1').split('~>')[0]!.replace(/\s+/g, '').replace(/^<~/, '');
  const output: number[] = [];
  let group: number[] = [];
  const flush = (count: number) => {
    while (group.length < 5) group.push(84);
    let value = 0;
    for (const digit of group) value = value * 85 + digit;
    for (let index = 0; index < count; index += 1) output.push((value >>> (24 - index * 8)) & 0xff);
    group = [];
  };
  for (const char of text) {
    if (char === 'z' && group.length === 0) {
      output.push(0, 0, 0, 0);
      continue;
    }
    const digit = char.charCodeAt(0) - 33;
    if (digit < 0 || digit > 84) continue;
    group.push(digit);
    if (group.length === 5) flush(4);
  }
  if (group.length > 1) flush(group.length - 1);
  return Buffer.from(output);
}
