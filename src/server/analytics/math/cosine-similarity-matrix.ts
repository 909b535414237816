import { dot, normalizeRows, type VectorRow } from './vector-rows.ts';

/**
 * Cosine similarity of every pair: dot products of the L2-normalised rows. Exactly symmetric (each
 * pair is computed once) with 1 on the diagonal for every non-zero row.
 */
export function cosineSimilarityMatrix(rows: readonly VectorRow[]): number[][] {
  const units = normalizeRows(rows);
  const matrix = units.map(() => new Array<number>(units.length).fill(0));
  for (let row = 0; row < units.length; row += 1) {
    matrix[row]![row] = dot(units[row]!, units[row]!) > 0 ? 1 : 0;
    for (let column = row + 1; column < units.length; column += 1) {
      const similarity = dot(units[row]!, units[column]!);
      matrix[row]![column] = similarity;
      matrix[column]![row] = similarity;
    }
  }
  return matrix;
}
