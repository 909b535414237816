import { PARSE_LIMITS } from '../parse-limits.ts';
import { DocumentParseError, type TextSegment } from '../parsed-document.ts';

export interface SheetRow {
  /** 1-based row number as a spreadsheet shows it. */
  rowNumber: number;
  cells: string[];
}

/**
 * The row model shared by XLSX and CSV. The first non-empty row is the header (carried by every
 * segment, so every chunk repeats it); data rows become lines `v1 | v2 | …`. Each run of consecutive
 * non-empty rows is one segment whose line k is row `rowStart + k`, which lets the chunker name the
 * exact rows of every chunk.
 */
export function rowsToSegments(options: { sheet: string; rows: Iterable<SheetRow> }): TextSegment[] {
  const segments: TextSegment[] = [];
  let header: string | undefined;
  let headerRow: number | undefined;
  let run: { lines: string[]; rowStart: number; rowEnd: number } | undefined;
  let rowCount = 0;

  const endRun = () => {
    if (run) {
      segments.push({
        text: run.lines.join('\n'),
        sheet: options.sheet,
        rowStart: run.rowStart,
        rowEnd: run.rowEnd,
        kind: 'rows',
        ...(header !== undefined ? { header } : {}),
      });
    }
    run = undefined;
  };

  for (const row of options.rows) {
    rowCount += 1;
    if (rowCount > PARSE_LIMITS.maxRowsPerSheet) {
      throw new DocumentParseError(
        `"${options.sheet}" has more than ${PARSE_LIMITS.maxRowsPerSheet} rows; split it and upload again`,
        'too_large',
      );
    }
    const cells = trimTrailingEmpty(row.cells.slice(0, PARSE_LIMITS.maxColumns).map(cleanCell));
    if (cells.length === 0) {
      endRun();
      continue;
    }
    const line = cells.join(' | ');
    if (header === undefined) {
      header = line;
      headerRow = row.rowNumber;
      continue;
    }
    if (run && row.rowNumber === run.rowEnd + 1) {
      run.lines.push(line);
      run.rowEnd = row.rowNumber;
    } else {
      endRun();
      run = { lines: [line], rowStart: row.rowNumber, rowEnd: row.rowNumber };
    }
  }
  endRun();
  if (segments.length === 0 && header !== undefined && headerRow !== undefined) {
    // A sheet with one row only: that row is content, not a header.
    segments.push({ text: header, sheet: options.sheet, rowStart: headerRow, rowEnd: headerRow, kind: 'rows' });
  }
  return segments;
}

/** One line per row: line breaks inside a cell become spaces. */
function cleanCell(cell: string): string {
  return cell.replace(/\s+/g, ' ').trim();
}

function trimTrailingEmpty(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === '') end -= 1;
  return cells.slice(0, end);
}
