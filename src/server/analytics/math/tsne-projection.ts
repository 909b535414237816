import { TSNE } from '@saehrimnir/druidjs';
import { ANALYTICS_SEED } from './seeded-random.ts';
import type { VectorRow } from './vector-rows.ts';

/** Gradient steps; the embedding is settled well before this for a few thousand points. */
export const TSNE_ITERATIONS = 500;

/**
 * t-SNE by DruidJS, seeded. Its gradient step runs in WebAssembly (exact, not Barnes-Hut, but about
 * 25 s for 500 steps of 2,000 points where tsnejs took over 600 s). Stepped one iteration at a time
 * through its generator so progress is reported; cancelling is terminating the worker thread this
 * runs in.
 */
export function tsneProjection(options: {
  rows: readonly VectorRow[];
  dimensions: number;
  perplexity: number;
  seed?: number;
  onProgress?: (done: number) => void;
}): number[][] {
  const { rows, dimensions, perplexity } = options;
  const tsne = new TSNE(
    rows.map((row) => (row instanceof Float64Array ? row : Float64Array.from(row))),
    { d: dimensions, perplexity, epsilon: 10, seed: options.seed ?? ANALYTICS_SEED },
  );
  tsne.init();
  let step = 0;
  let solution: Float64Array[] | undefined;
  for (const projection of tsne.generator(TSNE_ITERATIONS)) {
    step += 1;
    solution = projection;
    if (step % 25 === 0) options.onProgress?.(step / TSNE_ITERATIONS);
  }
  return (solution ?? []).map((point) => Array.from(point).slice(0, dimensions));
}
