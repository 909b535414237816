import fs from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { assertSafeOfficeZip } from '../ooxml-guard.ts';
import { DocumentParseError, type TextSegment } from '../parsed-document.ts';
import type { DocumentParser } from './document-parser.ts';
import { rowsToSegments, type SheetRow } from './table-rows.ts';

/**
 * XLSX with exceljs, sheet by sheet: header row, data rows with their real row numbers, formulas as
 * their cached results, dates as ISO 8601.
 */
export const parseXlsx: DocumentParser = async ({ filePath, onProgress }) => {
  await assertSafeOfficeZip(filePath, { mainPart: 'xl/workbook.xml', kind: 'Excel workbook' });
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs's types predate Node's generic Buffer.
    await workbook.xlsx.load((await fs.readFile(filePath)) as unknown as ExcelJS.Buffer);
  } catch {
    throw new DocumentParseError('The Excel workbook is damaged and cannot be read', 'corrupt');
  }
  const sheets = workbook.worksheets;
  const segments: TextSegment[] = [];
  onProgress({ stage: 'parsing', pagesDone: 0, pagesTotal: sheets.length });
  sheets.forEach((worksheet, index) => {
    segments.push(...rowsToSegments({ sheet: worksheet.name, rows: readRows(worksheet) }));
    onProgress({ stage: 'parsing', pagesDone: index + 1, pagesTotal: sheets.length });
  });
  if (segments.length === 0) throw new DocumentParseError('This workbook has no data', 'empty');
  const metadata: Record<string, string> = {};
  if (workbook.title) metadata.title = workbook.title;
  if (workbook.creator) metadata.author = workbook.creator;
  return { segments, pageCount: sheets.length, metadata };
};

function readRows(worksheet: ExcelJS.Worksheet): SheetRow[] {
  const rows: SheetRow[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, columnNumber) => {
      cells[columnNumber - 1] = cellText(cell.value);
    });
    rows.push({ rowNumber, cells: Array.from(cells, (cell) => cell ?? '') });
  });
  return rows;
}

/** The text a reader sees in a cell (cached formula results, not formulas). */
export function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((run) => run.text).join('');
    if ('formula' in value || 'sharedFormula' in value) {
      return cellText((value as { result?: ExcelJS.CellValue }).result);
    }
    if ('error' in value) return String(value.error);
    if ('text' in value) return cellText((value as { text: ExcelJS.CellValue }).text);
  }
  return '';
}

/** Excel dates carry no zone (exceljs reads them as UTC): a date, or a date and time without zone. */
function isoDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.replace(/\.000Z$/, '').replace(/Z$/, '');
}
