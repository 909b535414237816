/**
 * What the document viewer shows of a DOCX, XLSX, CSV or Markdown file, parsed in the browser from
 * the file the server serves (`/api/documents/{id}/download`): never its markup as HTML. A DOCX is
 * converted by mammoth and then walked as an inert DOMParser document into a small set of blocks
 * (headings, paragraphs, lists, tables) rendered as React text; sheets and CSV become rows of text.
 */
export type PreviewBlock =
  | { type: 'heading'; level: number; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'list'; ordered: boolean; items: string[] }
  | { type: 'table'; rows: string[][] };

export interface PreviewSheet {
  name: string;
  rows: string[][];
  /** Rows left out (the preview shows the first MAX_PREVIEW_ROWS). */
  omitted: number;
}

export type PreviewContent =
  | { kind: 'blocks'; blocks: PreviewBlock[] }
  | { kind: 'sheets'; sheets: PreviewSheet[] }
  | { kind: 'markdown'; text: string };

export const MAX_PREVIEW_ROWS = 500;
/** Larger files are not parsed in the tab (download them instead). */
export const MAX_PREVIEW_BYTES = 20 * 1024 * 1024;

export type PreviewFormat = 'docx' | 'xlsx' | 'csv' | 'markdown';

export function previewFormat(fileType: string, filename: string): PreviewFormat | null {
  const type = (fileType || filename.split('.').pop() || '').toLowerCase();
  if (type === 'docx') return 'docx';
  if (type === 'xlsx') return 'xlsx';
  if (type === 'csv') return 'csv';
  if (type === 'md' || type === 'markdown') return 'markdown';
  return null;
}

export async function parsePreview(format: PreviewFormat, bytes: ArrayBuffer): Promise<PreviewContent> {
  switch (format) {
    case 'markdown':
      return { kind: 'markdown', text: new TextDecoder().decode(bytes) };
    case 'csv':
      return { kind: 'sheets', sheets: [await csvSheet(new TextDecoder().decode(bytes))] };
    case 'xlsx':
      return { kind: 'sheets', sheets: await xlsxSheets(bytes) };
    case 'docx':
      return { kind: 'blocks', blocks: await docxBlocks(bytes) };
  }
}

async function csvSheet(text: string): Promise<PreviewSheet> {
  const { default: Papa } = await import('papaparse');
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true, preview: MAX_PREVIEW_ROWS + 1 });
  const rows = parsed.data.map((row) => row.map((cell) => String(cell)));
  const total = text.split('\n').filter((line) => line.trim()).length;
  return { name: 'CSV', rows: rows.slice(0, MAX_PREVIEW_ROWS), omitted: Math.max(0, total - Math.min(rows.length, MAX_PREVIEW_ROWS)) };
}

async function xlsxSheets(bytes: ArrayBuffer): Promise<PreviewSheet[]> {
  const { default: ExcelJS } = await import('exceljs/dist/exceljs.bare.min.js');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes);
  return workbook.worksheets.map((sheet) => {
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      if (rows.length >= MAX_PREVIEW_ROWS) return;
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells[column - 1] = cell.text ?? '';
      });
      rows.push(Array.from(cells, (cell) => cell ?? ''));
    });
    return { name: sheet.name, rows, omitted: Math.max(0, sheet.actualRowCount - rows.length) };
  });
}

async function docxBlocks(bytes: ArrayBuffer): Promise<PreviewBlock[]> {
  const { default: mammoth } = await import('mammoth/mammoth.browser.min.js');
  const { value: html } = await mammoth.convertToHtml({ arrayBuffer: bytes });
  return htmlBlocks(html);
}

const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

/** The blocks of converted HTML, read from an inert document (DOMParser runs no script, loads nothing). */
export function htmlBlocks(html: string): PreviewBlock[] {
  const body = new DOMParser().parseFromString(html, 'text/html').body;
  const blocks: PreviewBlock[] = [];
  const visit = (element: Element) => {
    const tag = element.tagName.toLowerCase();
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) blocks.push({ type: 'heading', level: Number(heading[1]), text: clean(element.textContent) });
    else if (tag === 'p') {
      const text = clean(element.textContent);
      if (text) blocks.push({ type: 'paragraph', text });
    } else if (tag === 'ul' || tag === 'ol') {
      const items = [...element.children].filter((child) => child.tagName === 'LI').map((item) => clean(item.textContent));
      blocks.push({ type: 'list', ordered: tag === 'ol', items });
    } else if (tag === 'table') {
      const rows = [...element.querySelectorAll('tr')].map((row) => [...row.children].map((cell) => clean(cell.textContent)));
      blocks.push({ type: 'table', rows });
    } else for (const child of element.children) visit(child);
  };
  for (const child of body.children) visit(child);
  return blocks;
}
