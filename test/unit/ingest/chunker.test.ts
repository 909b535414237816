import { describe, expect, it } from 'vitest';
import { chunkDocument, documentText, SEGMENT_SEPARATOR } from '../../../src/server/ingest/chunker.ts';
import type { Chunk, ParsedDocument, TextSegment } from '../../../src/server/ingest/parsed-document.ts';

const TOPICS = ['apples', 'rivers', 'engines', 'violins', 'glaciers', 'copper', 'owls'];

function sentence(index: number): string {
  const topic = TOPICS[index % TOPICS.length];
  return `Sentence ${index} explains how ${topic} behave in unusual weather conditions.`;
}

function paragraph(first: number, count: number): string {
  return Array.from({ length: count }, (_, offset) => sentence(first + offset)).join(' ');
}

function document(segments: TextSegment[]): ParsedDocument {
  return { fileType: 'txt', segments, wordCount: 0, metadata: {} };
}

/** The chunk's text as it appears in the full text: without the repeated table header. */
function body(chunk: Chunk, segments: TextSegment[]): string {
  const headers = new Set(segments.map((segment) => segment.header).filter(Boolean));
  for (const header of headers) {
    if (chunk.content.startsWith(`${header}\n`)) return chunk.content.slice(header!.length + 1);
  }
  return chunk.content;
}

function segmentRanges(segments: TextSegment[]): Array<{ start: number; end: number; segment: TextSegment }> {
  let offset = 0;
  return segments.map((segment) => {
    const range = { start: offset, end: offset + segment.text.length, segment };
    offset = range.end + SEGMENT_SEPARATOR.length;
    return range;
  });
}

const pages: TextSegment[] = [
  { text: `${paragraph(0, 3)}\n\n${paragraph(3, 14)}\n\n${paragraph(17, 2)}`, page: 1, kind: 'prose' },
  { text: paragraph(19, 9), page: 2, kind: 'prose' },
  { text: `${paragraph(28, 1)}\nA line on its own\n${paragraph(29, 6)}`, page: 3, kind: 'prose' },
];

describe('chunkDocument', () => {
  it('keeps every chunk equal to its slice of the full text, within the size, in order', () => {
    const parsed = document(pages);
    const fullText = documentText(parsed);
    for (const [chunkSize, chunkOverlap] of [
      [1000, 200],
      [300, 60],
      [120, 0],
      [80, 30],
    ] as const) {
      const chunks = chunkDocument(parsed, { chunkSize, chunkOverlap });
      expect(chunks.length).toBeGreaterThan(1);
      chunks.forEach((chunk, index) => {
        expect(chunk.chunkIndex).toBe(index);
        expect(chunk.content).toBe(fullText.slice(chunk.startChar, chunk.endChar));
        expect(chunk.content.length).toBeLessThanOrEqual(chunkSize);
        expect(chunk.content.trim()).toBe(chunk.content);
      });
    }
  });

  it('never lets a chunk cross into another page, and labels each with its page', () => {
    const parsed = document(pages);
    const ranges = segmentRanges(pages);
    for (const chunk of chunkDocument(parsed, { chunkSize: 400, chunkOverlap: 100 })) {
      const home = ranges.find((range) => chunk.startChar >= range.start && chunk.endChar <= range.end);
      expect(home, `chunk ${chunk.chunkIndex} lies inside one page`).toBeDefined();
      expect(chunk.page).toBe(home!.segment.page);
    }
  });

  it('cuts only between words, and covers every word of the document', () => {
    const parsed = document(pages);
    const fullText = documentText(parsed);
    const chunks = chunkDocument(parsed, { chunkSize: 150, chunkOverlap: 40 });
    const covered = new Array<boolean>(fullText.length).fill(false);
    for (const chunk of chunks) {
      const before = fullText[chunk.startChar - 1];
      const after = fullText[chunk.endChar];
      expect(before === undefined || /\s/.test(before), `starts on a word: ${chunk.content}`).toBe(true);
      expect(after === undefined || /\s/.test(after), `ends on a word: ${chunk.content}`).toBe(true);
      for (let index = chunk.startChar; index < chunk.endChar; index += 1) covered[index] = true;
    }
    const missed = [...fullText].filter((character, index) => /\S/.test(character) && !covered[index]);
    expect(missed).toEqual([]);
  });

  it('prefers paragraph boundaries: small paragraphs are never cut', () => {
    const paragraphs = Array.from({ length: 12 }, (_, index) => paragraph(index * 2, 2));
    const parsed = document([{ text: paragraphs.join('\n\n'), kind: 'prose' }]);
    const chunks = chunkDocument(parsed, { chunkSize: 500, chunkOverlap: 0 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      for (const piece of chunk.content.split('\n\n')) expect(paragraphs).toContain(piece);
    }
  });

  it('starts the overlap on a sentence boundary within the overlap budget', () => {
    const parsed = document([{ text: paragraph(0, 40), kind: 'prose' }]);
    const chunkOverlap = 150;
    const chunks = chunkDocument(parsed, { chunkSize: 400, chunkOverlap });
    expect(chunks.length).toBeGreaterThan(3);
    for (let index = 1; index < chunks.length; index += 1) {
      const previous = chunks[index - 1]!;
      const current = chunks[index]!;
      const shared = previous.endChar - current.startChar;
      expect(shared).toBeGreaterThan(0);
      expect(shared).toBeLessThanOrEqual(chunkOverlap);
      expect(current.content).toMatch(/^Sentence \d+ /);
    }
  });

  it('cuts wrapped lines (as PDFs have) on sentences, not on line breaks', () => {
    const long = (index: number) =>
      `Sentence ${index} explains at some length how ${TOPICS[index % TOPICS.length]} behave in unusual weather across seasons and places.`;
    // Lines of about 40 characters, each sentence spread over three or four of them.
    const wrapped = Array.from({ length: 30 }, (_, index) => long(index))
      .join(' ')
      .replace(/(.{40}\S*) /g, '$1\n');
    expect(wrapped.split('\n').length).toBeGreaterThan(60);
    const chunks = chunkDocument(document([{ text: wrapped, page: 1, kind: 'prose' }]), { chunkSize: 500, chunkOverlap: 160 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.content).toMatch(/^Sentence\s\d+\s/);
      expect(chunk.content).toMatch(/places\.$/);
    }
  });

  it('falls back to lines for long text without sentence ends (lists, code)', () => {
    const list = Array.from({ length: 60 }, (_, index) => `- item number ${index} in the list`).join('\n');
    const chunks = chunkDocument(document([{ text: list, kind: 'prose' }]), { chunkSize: 200, chunkOverlap: 50 });
    for (const chunk of chunks) {
      expect(chunk.content).toMatch(/^- item number \d+ in the list(\n- item number \d+ in the list)*$/);
    }
  });

  it('really applies chunkSize and chunkOverlap', () => {
    const parsed = document(pages);
    const big = chunkDocument(parsed, { chunkSize: 1000, chunkOverlap: 0 });
    const small = chunkDocument(parsed, { chunkSize: 250, chunkOverlap: 0 });
    const overlapping = chunkDocument(parsed, { chunkSize: 250, chunkOverlap: 120 });
    expect(small.length).toBeGreaterThan(big.length);
    expect(Math.max(...big.map((chunk) => chunk.content.length))).toBeGreaterThan(250);
    expect(overlapping.length).toBeGreaterThan(small.length);
    const totalSmall = small.reduce((sum, chunk) => sum + chunk.content.length, 0);
    const totalOverlapping = overlapping.reduce((sum, chunk) => sum + chunk.content.length, 0);
    expect(totalOverlapping).toBeGreaterThan(totalSmall);
    // Without overlap, chunks of one page never share text.
    for (let index = 1; index < small.length; index += 1) {
      if (small[index]!.page === small[index - 1]!.page) {
        expect(small[index]!.startChar).toBeGreaterThanOrEqual(small[index - 1]!.endChar);
      }
    }
  });

  it('carries the heading of each section', () => {
    const segments: TextSegment[] = [
      { text: `Introduction\n\n${paragraph(0, 6)}`, heading: 'Introduction', kind: 'prose' },
      { text: `Methods\n\n${paragraph(6, 6)}`, heading: 'Methods', kind: 'prose' },
    ];
    const chunks = chunkDocument(document(segments), { chunkSize: 300, chunkOverlap: 50 });
    expect(chunks[0]!.heading).toBe('Introduction');
    expect(chunks.at(-1)!.heading).toBe('Methods');
    for (const chunk of chunks) {
      const expected = chunk.content.includes(sentence(0)) || chunk.content.startsWith('Introduction') ? 'Introduction' : undefined;
      if (expected) expect(chunk.heading).toBe(expected);
      if (chunk.content.includes(sentence(11))) expect(chunk.heading).toBe('Methods');
    }
  });

  it('cuts a word longer than a chunk, and nothing else inside a word', () => {
    const blob = 'x'.repeat(250);
    const parsed = document([{ text: `before ${blob} after`, kind: 'prose' }]);
    const chunks = chunkDocument(parsed, { chunkSize: 100, chunkOverlap: 0 });
    expect(chunks.map((chunk) => chunk.content)).toEqual(['before', 'x'.repeat(100), 'x'.repeat(100), `${'x'.repeat(50)} after`]);
  });

  it('rejects settings that cannot work', () => {
    const parsed = document(pages);
    expect(() => chunkDocument(parsed, { chunkSize: 0, chunkOverlap: 0 })).toThrow(RangeError);
    expect(() => chunkDocument(parsed, { chunkSize: 100, chunkOverlap: 100 })).toThrow(RangeError);
    expect(() => chunkDocument(parsed, { chunkSize: 100, chunkOverlap: -1 })).toThrow(RangeError);
  });
});

describe('chunkDocument on table rows', () => {
  const header = 'Name | City | Score';
  const rows = (first: number, count: number) =>
    Array.from({ length: count }, (_, index) => `Person ${first + index} | City ${first + index} | ${(first + index) * 3}`);
  // Rows 2–21, an empty row 22, rows 23–30; then another sheet.
  const segments: TextSegment[] = [
    { text: rows(2, 20).join('\n'), header, sheet: 'People', rowStart: 2, rowEnd: 21, kind: 'rows' },
    { text: rows(23, 8).join('\n'), header, sheet: 'People', rowStart: 23, rowEnd: 30, kind: 'rows' },
    { text: 'Total | 99', header: 'Label | Value', sheet: 'Summary', rowStart: 2, rowEnd: 2, kind: 'rows' },
  ];
  const parsed = document(segments);
  const fullText = documentText(parsed);

  it('repeats the header in every chunk and cuts only between rows', () => {
    const chunks = chunkDocument(parsed, { chunkSize: 200, chunkOverlap: 0 });
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) {
      const expectedHeader = chunk.sheet === 'People' ? header : 'Label | Value';
      expect(chunk.content.startsWith(`${expectedHeader}\n`)).toBe(true);
      expect(chunk.content.length).toBeLessThanOrEqual(200);
      const text = body(chunk, segments);
      expect(text).toBe(fullText.slice(chunk.startChar, chunk.endChar));
      expect(['\n', undefined]).toContain(fullText[chunk.startChar - 1]);
      expect(['\n', undefined]).toContain(fullText[chunk.endChar]);
    }
  });

  it('names the real spreadsheet rows of each chunk, across an empty row', () => {
    const chunks = chunkDocument(parsed, { chunkSize: 2000, chunkOverlap: 0 });
    expect(chunks.map((chunk) => [chunk.sheet, chunk.rows])).toEqual([
      ['People', '2-30'],
      ['Summary', '2-2'],
    ]);
    for (const chunk of chunkDocument(parsed, { chunkSize: 200, chunkOverlap: 0 })) {
      const [first, last] = chunk.rows!.split('-').map(Number);
      const lines = body(chunk, segments).split('\n').filter(Boolean);
      if (chunk.sheet === 'People') {
        expect(lines[0]).toBe(`Person ${first} | City ${first} | ${first! * 3}`);
        expect(lines.at(-1)).toBe(`Person ${last} | City ${last} | ${last! * 3}`);
      }
    }
  });

  it('overlaps by whole rows', () => {
    const chunks = chunkDocument(parsed, { chunkSize: 200, chunkOverlap: 60 }).filter((chunk) => chunk.sheet === 'People');
    for (let index = 1; index < chunks.length; index += 1) {
      const previousLast = Number(chunks[index - 1]!.rows!.split('-')[1]);
      const currentFirst = Number(chunks[index]!.rows!.split('-')[0]);
      expect(currentFirst).toBeLessThanOrEqual(previousLast);
      expect(body(chunks[index]!, segments)).toMatch(/^Person \d+ \|/);
    }
  });
});
