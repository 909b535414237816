import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../src/server/ingest/text-decoding.ts';
import { latin1, utf16 } from '../../support/document-fixtures.ts';

describe('decodeText', () => {
  const sample = 'Grüße aus Köln – 東京 ✓';

  it('reads UTF-8, with or without a BOM', () => {
    expect(decodeText(Buffer.from(sample), { allowLatin1: false })).toEqual({ text: sample, encoding: 'utf-8' });
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample)]);
    expect(decodeText(withBom, { allowLatin1: false })).toEqual({ text: sample, encoding: 'utf-8' });
  });

  it('reads UTF-16 little and big endian when a BOM declares it', () => {
    expect(decodeText(utf16(sample, 'le'), { allowLatin1: false })).toEqual({ text: sample, encoding: 'utf-16le' });
    expect(decodeText(utf16(sample, 'be'), { allowLatin1: false })).toEqual({ text: sample, encoding: 'utf-16be' });
  });

  it('falls back to Latin-1 only where allowed', () => {
    const bytes = latin1('Café crème brûlée');
    expect(decodeText(bytes, { allowLatin1: false })).toBeUndefined();
    expect(decodeText(bytes, { allowLatin1: true })).toEqual({ text: 'Café crème brûlée', encoding: 'windows-1252' });
  });

  it('refuses binary data: NUL bytes, or control characters everywhere', () => {
    expect(decodeText(Buffer.from([0x68, 0x69, 0x00, 0x21]), { allowLatin1: true })).toBeUndefined();
    // Control characters 0x01–0x08 are valid UTF-8 and valid Latin-1, but no text is made of them.
    const controls = Buffer.from(Array.from({ length: 400 }, (_, index) => 1 + (index % 8)));
    expect(decodeText(controls, { allowLatin1: true })).toBeUndefined();
    expect(decodeText(Buffer.concat([controls, Buffer.from([0xff])]), { allowLatin1: true })).toBeUndefined();
  });

  it('accepts a sample cut inside a multi-byte character', () => {
    const bytes = Buffer.from('abc€');
    expect(decodeText(bytes.subarray(0, bytes.length - 1), { allowLatin1: false, partial: true })?.text).toBe('abc');
    expect(decodeText(bytes.subarray(0, bytes.length - 1), { allowLatin1: false })).toBeUndefined();
  });
});
