import { afterAll, describe, expect, it } from 'vitest';
import { documentText } from '../../../src/server/ingest/chunker.ts';
import { type ParseAndChunkResult as ParseResult, parseAndChunk } from '../../../src/server/ingest/parse-and-chunk.ts';
import type { DocumentFileType } from '../../../src/server/ingest/parsed-document.ts';
import { latin1, makeDocx, makePdf, makeXlsx, utf16 } from '../../support/document-fixtures.ts';
import { createTempDir } from '../../support/temp-files.ts';

const temp = createTempDir();
afterAll(() => temp.remove());

async function parse(
  filename: string,
  fileType: DocumentFileType,
  bytes: Buffer | string,
  settings = { chunkSize: 1000, chunkOverlap: 100 },
): Promise<ParseResult> {
  const result = await parseAndChunk({ filePath: temp.write(filename, bytes), fileType, filename, ...settings });
  assertOffsets(result);
  return result;
}

/** Every chunk, minus a repeated header line, is its slice of the document's full text. */
function assertOffsets({ parsed, chunks }: ParseResult): void {
  const fullText = documentText(parsed);
  const headers = parsed.segments.map((segment) => segment.header).filter((header): header is string => !!header);
  for (const chunk of chunks) {
    const header = headers.find((candidate) => chunk.content.startsWith(`${candidate}\n`));
    const body = header ? chunk.content.slice(header.length + 1) : chunk.content;
    expect(body).toBe(fullText.slice(chunk.startChar, chunk.endChar));
  }
}

describe('PDF', () => {
  it('reads page by page and cites the right page', async () => {
    const pdf = await makePdf([
      'The first page is about apples. Apples grow on trees.\n\nA second paragraph on page one.',
      '',
      'Page three explains rivers and their deltas.',
    ]);
    const { parsed, chunks } = await parse('report.pdf', 'pdf', pdf);
    expect(parsed.pageCount).toBe(3);
    expect(parsed.metadata).toMatchObject({ title: 'Generated test document', author: 'DAA tests' });
    expect(parsed.segments.map((segment) => segment.page)).toEqual([1, 3]);
    expect(parsed.segments[0]!.text).toBe('The first page is about apples. Apples grow on trees.\n\nA second paragraph on page one.');
    expect(parsed.wordCount).toBe(23);
    expect(chunks.find((chunk) => chunk.content.includes('rivers'))?.page).toBe(3);
    expect(chunks.find((chunk) => chunk.content.includes('apples'))?.page).toBe(1);
  });

  it('reports progress for every page', async () => {
    const progress: unknown[] = [];
    await parseAndChunk(
      {
        filePath: temp.write('three.pdf', await makePdf(['one', 'two', 'three'])),
        fileType: 'pdf',
        filename: 'three.pdf',
        chunkSize: 500,
        chunkOverlap: 0,
      },
      (update) => progress.push(update),
    );
    expect(progress).toEqual([
      { stage: 'parsing', pagesDone: 0, pagesTotal: 3 },
      { stage: 'parsing', pagesDone: 1, pagesTotal: 3 },
      { stage: 'parsing', pagesDone: 2, pagesTotal: 3 },
      { stage: 'parsing', pagesDone: 3, pagesTotal: 3 },
      { stage: 'chunking' },
    ]);
  });
});

describe('DOCX', () => {
  it('keeps headings, paragraphs and tables (header repeated in every chunk of rows)', async () => {
    const rows = Array.from({ length: 30 }, (_, index) => [`Item ${index + 1}`, `${(index + 1) * 10} EUR`]);
    const docx = await makeDocx([
      { paragraphs: ['A preface before any heading.'] },
      { heading: 'Introduction', paragraphs: ['Our company sells tea.', 'It was founded in 1901.'] },
      { heading: 'Price list', paragraphs: ['Prices include taxes.'], table: [['Product', 'Price'], ...rows] },
    ]);
    const { parsed, chunks } = await parse('handbook.docx', 'docx', docx, { chunkSize: 200, chunkOverlap: 20 });
    expect(parsed.segments.slice(0, 3)).toEqual([
      { text: 'A preface before any heading.', kind: 'prose' },
      { text: 'Introduction\n\nOur company sells tea.\n\nIt was founded in 1901.', heading: 'Introduction', kind: 'prose' },
      { text: 'Price list\n\nPrices include taxes.', heading: 'Price list', kind: 'prose' },
    ]);
    expect(parsed.segments[3]).toMatchObject({ kind: 'rows', header: 'Product | Price', heading: 'Price list' });
    expect(parsed.segments[3]!.text.split('\n')[0]).toBe('Item 1 | 10 EUR');

    expect(chunks.find((chunk) => chunk.content.includes('founded'))?.heading).toBe('Introduction');
    const tableChunks = chunks.filter((chunk) => chunk.content.includes('EUR'));
    expect(tableChunks.length).toBeGreaterThan(2);
    for (const chunk of tableChunks) {
      expect(chunk.content.startsWith('Product | Price\nItem ')).toBe(true);
      expect(chunk.heading).toBe('Price list');
    }
    expect(tableChunks.at(-1)!.content).toContain('Item 30 | 300 EUR');
  });
});

describe('XLSX', () => {
  it('reads every sheet with its header, real row numbers, cached formula values and ISO dates', async () => {
    const xlsx = await makeXlsx([
      {
        name: 'Orders',
        rows: [
          ['Customer', 'Date', 'Amount', 'Double'],
          ['Ann', new Date(Date.UTC(2024, 0, 15)), 120, { formula: 'C2*2', result: 240 }],
          ['Bob', new Date(Date.UTC(2024, 1, 3)), 80, { formula: 'C3*2', result: 160 }],
          [null, null, null, null],
          ['Cleo', new Date(Date.UTC(2024, 2, 9)), 55.5, { formula: 'C5*2', result: 111 }],
        ],
      },
      {
        name: 'Notes',
        rows: [
          ['Topic', 'Text'],
          ['Shipping', 'Ships within two days'],
        ],
      },
    ]);
    const { parsed, chunks } = await parse('sales.xlsx', 'xlsx', xlsx);
    expect(parsed.pageCount).toBe(2);
    expect(parsed.segments).toEqual([
      {
        text: 'Ann | 2024-01-15 | 120 | 240\nBob | 2024-02-03 | 80 | 160',
        header: 'Customer | Date | Amount | Double',
        sheet: 'Orders',
        rowStart: 2,
        rowEnd: 3,
        kind: 'rows',
      },
      {
        text: 'Cleo | 2024-03-09 | 55.5 | 111',
        header: 'Customer | Date | Amount | Double',
        sheet: 'Orders',
        rowStart: 5,
        rowEnd: 5,
        kind: 'rows',
      },
      { text: 'Shipping | Ships within two days', header: 'Topic | Text', sheet: 'Notes', rowStart: 2, rowEnd: 2, kind: 'rows' },
    ]);
    expect(chunks.map((chunk) => [chunk.sheet, chunk.rows])).toEqual([
      ['Orders', '2-5'],
      ['Notes', '2-2'],
    ]);
    expect(chunks[0]!.content.startsWith('Customer | Date | Amount | Double\nAnn')).toBe(true);
  });

  it('splits a long sheet between rows, each chunk naming its rows and repeating the header', async () => {
    const rows = Array.from({ length: 200 }, (_, index) => [`SKU-${index + 2}`, `Widget number ${index + 2}`, index + 2]);
    const xlsx = await makeXlsx([{ name: 'Stock', rows: [['Sku', 'Name', 'Qty'], ...rows] }]);
    const { chunks } = await parse('stock.xlsx', 'xlsx', xlsx, { chunkSize: 300, chunkOverlap: 0 });
    expect(chunks.length).toBeGreaterThan(10);
    let expectedFirst = 2;
    for (const chunk of chunks) {
      expect(chunk.sheet).toBe('Stock');
      const lines = chunk.content.split('\n');
      expect(lines[0]).toBe('Sku | Name | Qty');
      const [first, last] = chunk.rows!.split('-').map(Number);
      expect(first).toBe(expectedFirst);
      expect(lines[1]).toBe(`SKU-${first} | Widget number ${first} | ${first}`);
      expect(lines.at(-1)).toBe(`SKU-${last} | Widget number ${last} | ${last}`);
      expectedFirst = last! + 1;
    }
    expect(expectedFirst).toBe(202);
  });
});

describe('CSV', () => {
  it('uses the row model with the file name as sheet, counting records like a spreadsheet', async () => {
    const csv = 'city,country,note\r\nParis,France,"Capital,\r\nlarge"\r\nLyon,France,\r\n\r\nRome,Italy,"Said ""ciao"""\r\n';
    const { parsed, chunks } = await parse('cities.csv', 'csv', csv);
    expect(parsed.segments).toEqual([
      {
        text: 'Paris | France | Capital, large\nLyon | France',
        header: 'city | country | note',
        sheet: 'cities.csv',
        rowStart: 2,
        rowEnd: 3,
        kind: 'rows',
      },
      { text: 'Rome | Italy | Said "ciao"', header: 'city | country | note', sheet: 'cities.csv', rowStart: 5, rowEnd: 5, kind: 'rows' },
    ]);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ sheet: 'cities.csv', rows: '2-5' });
  });

  it('reads Latin-1 and semicolon-separated files', async () => {
    const { parsed } = await parse('eu.csv', 'csv', latin1('Stadt;Straße\nMünchen;Königsplatz\n'));
    expect(parsed.segments).toEqual([
      { text: 'München | Königsplatz', header: 'Stadt | Straße', sheet: 'eu.csv', rowStart: 2, rowEnd: 2, kind: 'rows' },
    ]);
  });
});

describe('TXT and Markdown', () => {
  it('decodes UTF-8, UTF-16 (LE and BE with BOM) and Latin-1', async () => {
    const text = 'Grüße aus Köln.\r\n\r\nZweiter Absatz – mit Gedankenstrich.';
    const expected = 'Grüße aus Köln.\n\nZweiter Absatz – mit Gedankenstrich.';
    for (const [name, bytes] of [
      ['utf8.txt', Buffer.from(text)],
      ['utf16le.txt', utf16(text, 'le')],
      ['utf16be.txt', utf16(text, 'be')],
    ] as const) {
      const { parsed } = await parse(name, 'txt', bytes);
      expect(parsed.segments, name).toEqual([{ text: expected, kind: 'prose' }]);
    }
    const { parsed } = await parse('latin1.txt', 'txt', latin1('Café à Paris'));
    expect(parsed.segments[0]!.text).toBe('Café à Paris');
  });

  it('cuts Markdown at headings and cites them by their heading path', async () => {
    const markdown = `# Setup\n\nInstall the tool with the installer.\n\n## Configuration\n\n${'Set the port in the file. '.repeat(30)}`;
    const { parsed, chunks } = await parse('guide.md', 'md', markdown, { chunkSize: 300, chunkOverlap: 50 });
    expect(parsed.segments.map((segment) => segment.heading)).toEqual(['Setup', 'Setup › Configuration']);
    expect(chunks[0]).toMatchObject({ heading: 'Setup', content: '# Setup\n\nInstall the tool with the installer.' });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks.slice(1)) expect(chunk.heading).toBe('Setup › Configuration');
  });
});

describe('HTML', () => {
  it('indexes the visible text only, under its headings', async () => {
    const html = `<!DOCTYPE html><html><head><title>Team page</title><script>const token = "abc";</script>
      <style>.x{}</style></head><body><h1>Our team</h1><p>We are <strong>five</strong> people.</p>
      <h2>Contact</h2><p>Write to us.</p><script>track()</script></body></html>`;
    const { parsed, chunks } = await parse('team.html', 'html', html);
    expect(parsed.metadata).toEqual({ title: 'Team page' });
    expect(parsed.segments).toEqual([
      { text: 'Our team\n\nWe are five people.', heading: 'Our team', kind: 'prose' },
      { text: 'Contact\n\nWrite to us.', heading: 'Our team › Contact', kind: 'prose' },
    ]);
    expect(chunks.map((chunk) => chunk.heading)).toEqual(['Our team', 'Our team › Contact']);
    expect(chunks.map((chunk) => chunk.content).join(' ')).not.toMatch(/token|track|\.x/);
  });
});
