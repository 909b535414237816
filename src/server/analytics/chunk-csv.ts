import type { ChunkTableRow } from '../../protocol/analytics.ts';

/** The original's CSV columns, plus the page. */
export const CHUNK_CSV_HEADER = [
  'Chunk ID',
  'Document',
  'Chunk Index',
  'Page',
  'Text Preview',
  'Characters',
  'Embedding Dimension',
  'Embedding Norm',
];

/**
 * One RFC 4180 field. A field a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe: document text is untrusted.
 */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(fields: ReadonlyArray<string | number | null>): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export function chunkCsvLine(row: ChunkTableRow): string {
  return csvLine([
    row.chunk_id,
    row.document_name,
    row.chunk_index,
    row.page,
    row.text_preview,
    row.char_count,
    row.embedding_dimension,
    row.embedding_norm === null ? null : Number(row.embedding_norm.toFixed(6)),
  ]);
}
