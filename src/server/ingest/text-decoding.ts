/**
 * Turns the bytes of a text file into a string: a BOM decides (UTF-8, UTF-16 LE/BE); without one the
 * bytes must be valid UTF-8, or, where allowed, are read as Latin-1 (Windows-1252, what "Latin-1"
 * files really are). Text must not contain NUL characters: that means a binary file.
 */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

export function bomEncoding(bytes: Uint8Array): { encoding: TextEncodingName; bomLength: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return undefined;
}

/**
 * Decodes `bytes`, or returns undefined when they are not text. `partial` is for a sample cut from a
 * longer file: a multi-byte character cut at the end is then not an error.
 */
export function decodeText(bytes: Uint8Array, options: { allowLatin1: boolean; partial?: boolean }): DecodedText | undefined {
  const bom = bomEncoding(bytes);
  const stream = options.partial === true;
  if (bom) {
    const text = tryDecode(bytes.subarray(bom.bomLength), bom.encoding, stream);
    return text !== undefined && !text.includes('\u0000') && looksLikeText(text) ? { text, encoding: bom.encoding } : undefined;
  }
  if (bytes.includes(0)) return undefined;
  const utf8 = tryDecode(bytes, 'utf-8', stream);
  if (utf8 !== undefined) return looksLikeText(utf8) ? { text: utf8, encoding: 'utf-8' } : undefined;
  if (!options.allowLatin1) return undefined;
  const latin1 = new TextDecoder('windows-1252').decode(bytes);
  return looksLikeText(latin1) ? { text: latin1, encoding: 'windows-1252' } : undefined;
}

function tryDecode(bytes: Uint8Array, encoding: TextEncodingName, stream: boolean): string | undefined {
  try {
    // ignoreBOM: the BOM was already stripped; a second one is content.
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes, { stream });
  } catch {
    return undefined;
  }
}

/** Binary data read as Latin-1 is full of control characters; text has almost none. */
function looksLikeText(text: string): boolean {
  if (text.length === 0) return true;
  let controls = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c) || code === 0x7f) {
      controls += 1;
    }
  }
  return controls / text.length < 0.01;
}

/** One line-ending convention for everything downstream (offsets are counted on this text). */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
