import ExcelJS from 'exceljs';
import { PDFDocument, PDFHexString, StandardFonts, rgb } from 'pdf-lib';
import { buildZip, deflatedZeros, type ZipEntry } from './zip-writer.ts';

/**
 * Real documents generated for tests and benchmarks (no binary fixtures in the repository), plus
 * hostile ones: zip bombs dressed as DOCX/XLSX, an XML bomb, a PNG named .pdf, a PDF without text.
 */

// ---------------------------------------------------------------------------------------------- PDF

const PAGE_WIDTH = 612;
const PAGE_HEIGHT = 792;
const MARGIN = 56;
const FONT_SIZE = 11;
const LINE_HEIGHT = 14;

/** A PDF with a real text layer, one string per page ("\n\n" separates paragraphs). */
export async function makePdf(pages: string[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Generated test document');
  pdf.setAuthor('DAA tests');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const maxWidth = PAGE_WIDTH - 2 * MARGIN;
  for (const text of pages) {
    const page = pdf.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    let y = PAGE_HEIGHT - MARGIN;
    for (const paragraph of text.split(/\n{2,}/)) {
      for (const line of wrap(paragraph, (candidate) => font.widthOfTextAtSize(candidate, FONT_SIZE) <= maxWidth)) {
        if (y < MARGIN) break; // the page is full; tests keep their pages short
        page.drawText(line, { x: MARGIN, y, size: FONT_SIZE, font });
        y -= LINE_HEIGHT;
      }
      y -= LINE_HEIGHT; // a blank line between paragraphs
    }
  }
  return Buffer.from(await pdf.save());
}

function wrap(paragraph: string, fits: (line: string) => boolean): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && !fits(candidate)) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A "scanned" PDF: pages with drawings and no text at all. */
export async function makePdfWithoutText(pageCount = 2): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  for (let index = 0; index < pageCount; index += 1) {
    const page = pdf.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    page.drawRectangle({ x: 100, y: 100, width: 300, height: 200, color: rgb(0.2, 0.4, 0.8) });
  }
  return Buffer.from(await pdf.save());
}

/**
 * A PDF that asks for a password: a standard security handler whose check value matches no password
 * (enough for a reader to refuse it; the content itself is not encrypted).
 */
export async function makeEncryptedPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.load(await makePdf(['Secret text behind a password.']));
  const context = pdf.context;
  const encrypt = context.obj({
    Filter: 'Standard',
    V: 1,
    R: 2,
    Length: 40,
    P: -44,
    O: PDFHexString.of('a'.repeat(64)),
    U: PDFHexString.of('b'.repeat(64)),
  });
  context.trailerInfo.Encrypt = context.register(encrypt);
  const id = PDFHexString.of('0123456789abcdef0123456789abcdef');
  context.trailerInfo.ID = context.obj([id, id]);
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}

/** Starts like a PDF, then nothing a PDF reader can use. */
export function makeCorruptPdf(): Buffer {
  const noise = Buffer.alloc(4096);
  for (let index = 0; index < noise.length; index += 1) noise[index] = (index * 7919 + 13) % 251;
  return Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), noise]);
}

/** A real PDF cut in the middle (a broken download). */
export async function makeTruncatedPdf(): Promise<Buffer> {
  const whole = await makePdf(['First page of a document that was cut.', 'Second page.']);
  return whole.subarray(0, Math.floor(whole.length / 3));
}

// --------------------------------------------------------------------------------------------- DOCX

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

export interface DocxBlock {
  heading?: string;
  paragraphs?: string[];
  /** First row is the header. */
  table?: string[][];
}

/** A minimal but real DOCX (what Word needs to open it): headings styled Heading 1, paragraphs, tables. */
export async function makeDocx(blocks: DocxBlock[]): Promise<Buffer> {
  return buildZip(docxEntries(documentXml(blocks)));
}

/** A DOCX whose document part defines the "billion laughs" entities. */
export function makeXmlBombDocx(): Buffer {
  const entities = ['<!ENTITY lol0 "lol">'];
  for (let level = 1; level <= 9; level += 1) {
    entities.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
  }
  const body = documentXml([{ heading: 'Bomb', paragraphs: ['&lol9;'] }]).replace(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [${entities.join('')}]>`,
  );
  return buildZip(docxEntries(body.replace('&amp;lol9;', '&lol9;')));
}

/** A DOCX with an external entity (XXE) reading a local file. */
export function makeXxeDocx(): Buffer {
  const body = documentXml([{ paragraphs: ['&xxe;'] }]).replace(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
  );
  return buildZip(docxEntries(body.replace('&amp;xxe;', '&xxe;')));
}

function docxEntries(documentBody: string): ZipEntry[] {
  return [
    {
      name: '[Content_Types].xml',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
        '</Types>',
    },
    {
      name: '_rels/.rels',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
        '</Relationships>',
    },
    {
      name: 'word/_rels/document.xml.rels',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
        '</Relationships>',
    },
    {
      name: 'word/styles.xml',
      data:
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="${W_NS}">` +
        [1, 2, 3]
          .map((level) => `<w:style w:type="paragraph" w:styleId="Heading${level}"><w:name w:val="heading ${level}"/></w:style>`)
          .join('') +
        '</w:styles>',
    },
    { name: 'word/document.xml', data: documentBody },
  ];
}

function documentXml(blocks: DocxBlock[]): string {
  const paragraph = (text: string, style?: string) =>
    `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p>`;
  const parts: string[] = [];
  for (const block of blocks) {
    if (block.heading !== undefined) parts.push(paragraph(block.heading, 'Heading1'));
    for (const text of block.paragraphs ?? []) parts.push(paragraph(text));
    if (block.table) {
      const rows = block.table.map((row) => `<w:tr>${row.map((cell) => `<w:tc>${paragraph(cell)}</w:tc>`).join('')}</w:tr>`).join('');
      parts.push(`<w:tbl><w:tblPr/>${rows}</w:tbl>`);
    }
  }
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    `<w:document xmlns:w="${W_NS}"><w:body>${parts.join('')}<w:sectPr/></w:body></w:document>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// --------------------------------------------------------------------------------------------- XLSX

export type XlsxCell = string | number | boolean | Date | { formula: string; result?: string | number } | null;

/** A real XLSX written by exceljs; the first row of each sheet is its header. */
export async function makeXlsx(sheets: Array<{ name: string; rows: XlsxCell[][] }>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'DAA tests';
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name);
    sheet.rows.forEach((row, rowIndex) => {
      row.forEach((cell, columnIndex) => {
        if (cell === null) return;
        const target = worksheet.getCell(rowIndex + 1, columnIndex + 1);
        target.value = cell;
        if (cell instanceof Date) target.numFmt = 'yyyy-mm-dd';
      });
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// ------------------------------------------------------------------------------------------ hostile

/**
 * A deflate zip bomb dressed as a DOCX or XLSX: a valid main part plus one part of `size` zeros
 * (200 MB by default, about 200 KB on disk). `lie: true` declares a tiny size for it, so only
 * counting the bytes while inflating can catch it.
 */
export async function makeZipBomb(kind: 'docx' | 'xlsx', options: { size?: number; lie?: boolean } = {}): Promise<Buffer> {
  const zeros = await deflatedZeros(options.size ?? 200 * 1024 * 1024);
  const bomb = options.lie ? { ...zeros, uncompressedSize: 1024 } : zeros;
  const entries: ZipEntry[] =
    kind === 'docx'
      ? [...docxEntries(documentXml([{ paragraphs: ['Looks harmless.'] }])), { name: 'word/media/image1.png', deflated: bomb }]
      : [
          {
            name: '[Content_Types].xml',
            data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
          },
          { name: 'xl/workbook.xml', data: '<?xml version="1.0"?><workbook/>' },
          { name: 'xl/worksheets/sheet1.xml', deflated: bomb },
        ];
  return buildZip(entries);
}

/** A DOCX with thousands of tiny parts. */
export function makeManyEntriesDocx(count = 5_000): Buffer {
  const entries = docxEntries(documentXml([{ paragraphs: ['Many parts.'] }]));
  for (let index = 0; index < count; index += 1) entries.push({ name: `word/parts/p${index}.xml`, data: '<a/>' });
  return buildZip(entries);
}

/** A real 1×1 PNG. */
export function makePng(): Buffer {
  return Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
}

/** The start of a legacy (OLE2 compound file) Word or Excel document. */
export function makeOle2(kind: 'doc' | 'xls'): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x003e, 24);
  header.writeUInt16LE(0x0003, 26);
  header.writeUInt16LE(0xfffe, 28);
  const directory = Buffer.alloc(512);
  directory.write('Root Entry', 0, 'utf16le');
  directory.write(kind === 'doc' ? 'WordDocument' : 'Workbook', 128, 'utf16le');
  return Buffer.concat([header, directory]);
}

/** An encrypted DOCX as Office writes it: an OLE2 file with an EncryptedPackage stream. */
export function makeEncryptedOfficeFile(): Buffer {
  const file = makeOle2('doc');
  file.fill(0, 512 + 128, 512 + 256);
  file.write('EncryptedPackage', 512 + 128, 'utf16le');
  return file;
}

// --------------------------------------------------------------------------------------------- text

export function utf16(text: string, endian: 'le' | 'be'): Buffer {
  const little = Buffer.from(`\uFEFF${text}`, 'utf16le');
  return endian === 'le' ? little : little.swap16();
}

/** Latin-1 bytes (invalid as UTF-8 as soon as there is an accented letter). */
export function latin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}
