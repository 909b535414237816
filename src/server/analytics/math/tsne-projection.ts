import { TSNE } from '@keckelt/tsne';
import { seededRandom } from './seeded-random.ts';
import type { VectorRow } from './vector-rows.ts';

/** Gradient steps; the embedding is settled well before this for a few thousand points. */
export const TSNE_ITERATIONS = 500;

/**
 * t-SNE by @keckelt/tsne (Karpathy's tsnejs in TypeScript). It draws its start from Math.random, so
 * Math.random is a seeded generator for the length of the call: this runs in its own worker thread,
 * where nothing else reads it meanwhile. `shouldStop` is asked between steps.
 */
export function tsneProjection(options: {
  rows: readonly VectorRow[];
  dimensions: number;
  perplexity: number;
  seed?: number;
  onProgress?: (done: number) => void;
}): number[][] {
  const { rows, dimensions, perplexity } = options;
  const original = Math.random;
  Math.random = seededRandom(options.seed);
  try {
    const tsne = new TSNE({ dim: dimensions, perplexity, epsilon: 10 });
    tsne.initDataRaw(rows.map((row) => Array.from(row)));
    for (let step = 1; step <= TSNE_ITERATIONS; step += 1) {
      tsne.step();
      if (step % 50 === 0) options.onProgress?.(step / TSNE_ITERATIONS);
    }
    return (tsne.getSolution() as number[][]).map((point) => point.slice(0, dimensions));
  } finally {
    Math.random = original;
  }
}
