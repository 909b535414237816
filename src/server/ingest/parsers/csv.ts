import fs from 'node:fs/promises';
import Papa from 'papaparse';
import { DocumentParseError } from '../parsed-document.ts';
import { decodeText } from '../text-decoding.ts';
import type { DocumentParser } from './document-parser.ts';
import { rowsToSegments, type SheetRow } from './table-rows.ts';

/**
 * CSV (or TSV: the delimiter is detected) with papaparse, in the same row model as XLSX; the sheet is
 * the file name and row numbers count records as a spreadsheet would (header = row 1).
 */
export const parseCsv: DocumentParser = async ({ filePath, filename, onProgress }) => {
  const decoded = decodeText(await fs.readFile(filePath), { allowLatin1: true });
  if (!decoded) throw new DocumentParseError('This CSV file is not readable text', 'corrupt');
  onProgress({ stage: 'parsing' });
  // Empty lines are kept (they break row runs and count as rows), but they would spoil papaparse's
  // delimiter guess: guess on a preview without them.
  const { delimiter } = Papa.parse<string[]>(decoded.text, { preview: 100, skipEmptyLines: 'greedy' }).meta;
  const { data } = Papa.parse<string[]>(decoded.text, { delimiter, skipEmptyLines: false, header: false, dynamicTyping: false });
  const segments = rowsToSegments({ sheet: filename, rows: numberRows(data) });
  if (segments.length === 0) throw new DocumentParseError('This CSV file has no data', 'empty');
  return { segments, metadata: {} };
};

/** Lazily, so a large file's rows are not held twice. */
function* numberRows(records: string[][]): Generator<SheetRow> {
  for (let index = 0; index < records.length; index += 1) {
    yield { rowNumber: index + 1, cells: records[index]!.map(String) };
  }
}
