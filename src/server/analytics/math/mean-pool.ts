import type { VectorRow } from './vector-rows.ts';

/**
 * Running per-document sums, so a document's mean vector is taken over all of its chunks while they
 * are read page by page (the original pooled only the first 1,000 chunks of the project).
 */
export class MeanPool {
  private readonly sums = new Map<number, { sum: Float64Array; count: number }>();

  add(key: number, vector: VectorRow): void {
    let entry = this.sums.get(key);
    if (!entry) {
      entry = { sum: new Float64Array(vector.length), count: 0 };
      this.sums.set(key, entry);
    }
    for (let index = 0; index < vector.length; index += 1) entry.sum[index]! += vector[index]!;
    entry.count += 1;
  }

  /** Keys in the order they were first seen, each with its mean and how many vectors it pooled. */
  means(): Array<{ key: number; mean: Float64Array; count: number }> {
    return [...this.sums].map(([key, { sum, count }]) => ({ key, mean: sum.map((value) => value / count), count }));
  }
}
