import { describe, expect, it } from 'vitest';
import { rowsToSegments } from '../../../src/server/ingest/parsers/table-rows.ts';
import { cellText } from '../../../src/server/ingest/parsers/xlsx.ts';

describe('rowsToSegments', () => {
  it('takes the first non-empty row as header and groups consecutive rows with their numbers', () => {
    const segments = rowsToSegments({
      sheet: 'Staff',
      rows: [
        { rowNumber: 1, cells: [] },
        { rowNumber: 2, cells: ['Name', 'Role', ''] },
        { rowNumber: 3, cells: ['Ann', 'Chemist\nsenior'] },
        { rowNumber: 4, cells: ['Bob', ''] },
        { rowNumber: 5, cells: ['', ''] },
        { rowNumber: 7, cells: ['', 'Intern'] },
      ],
    });
    expect(segments).toEqual([
      { text: 'Ann | Chemist senior\nBob', header: 'Name | Role', sheet: 'Staff', rowStart: 3, rowEnd: 4, kind: 'rows' },
      { text: ' | Intern', header: 'Name | Role', sheet: 'Staff', rowStart: 7, rowEnd: 7, kind: 'rows' },
    ]);
  });

  it('keeps a lone row as content', () => {
    expect(rowsToSegments({ sheet: 'S', rows: [{ rowNumber: 4, cells: ['only', 'row'] }] })).toEqual([
      { text: 'only | row', sheet: 'S', rowStart: 4, rowEnd: 4, kind: 'rows' },
    ]);
  });
});

describe('cellText', () => {
  it('shows what a reader sees: cached formula results, ISO dates, rich text, errors', () => {
    expect(cellText({ formula: 'A1*2', result: 84 })).toBe('84');
    expect(cellText({ sharedFormula: 'B2', result: 'ok' } as never)).toBe('ok');
    expect(cellText({ formula: 'NOW()', result: new Date(Date.UTC(2024, 1, 29)) })).toBe('2024-02-29');
    expect(cellText(new Date(Date.UTC(2024, 1, 29, 8, 5, 0)))).toBe('2024-02-29T08:05:00');
    expect(cellText({ richText: [{ text: 'bold ' }, { text: 'plain' }] })).toBe('bold plain');
    expect(cellText({ text: 'site', hyperlink: 'https://example.com' })).toBe('site');
    expect(cellText({ error: '#DIV/0!' })).toBe('#DIV/0!');
    expect(cellText(true)).toBe('TRUE');
    expect(cellText(null)).toBe('');
    expect(cellText({ formula: 'A1' })).toBe('');
  });
});
