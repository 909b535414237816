/** Ten hues readable on the light and the dark surface (Tableau 10, slightly deepened). */
export const DOCUMENT_PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#59a14f',
  '#b07aa1',
  '#edc948',
  '#76b7b2',
  '#ff9da7',
  '#9c755f',
  '#8cd17d',
];

/** One stable colour per document, in the order documents first appear. */
export function documentColors(documentIds: number[]): Map<number, string> {
  const colors = new Map<number, string>();
  for (const id of documentIds) if (!colors.has(id)) colors.set(id, DOCUMENT_PALETTE[colors.size % DOCUMENT_PALETTE.length]!);
  return colors;
}
