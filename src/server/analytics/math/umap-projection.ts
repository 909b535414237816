import { UMAP } from 'umap-js';
import { seededRandom } from './seeded-random.ts';
import type { VectorRow } from './vector-rows.ts';

/** UMAP by umap-js with the original's `min_dist=0.1` and a seeded generator. */
export function umapProjection(options: {
  rows: readonly VectorRow[];
  dimensions: number;
  neighbors: number;
  seed?: number;
  onProgress?: (done: number) => void;
}): number[][] {
  const umap = new UMAP({
    nComponents: options.dimensions,
    nNeighbors: options.neighbors,
    minDist: 0.1,
    random: seededRandom(options.seed),
  });
  const epochs = umap.initializeFit(options.rows.map((row) => Array.from(row)));
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    umap.step();
    if (epoch % 25 === 0) options.onProgress?.(epoch / epochs);
  }
  return umap.getEmbedding();
}
