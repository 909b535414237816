/**
 * The messages between the analytics service and its worker thread. Both ends are ours and typed
 * arrays cross by structured clone, so the worker checks only the discriminants it switches on.
 */

/** Rows to compute on: stored embeddings, or term counts the worker turns into TF-IDF vectors. */
export type ComputeInput = { kind: 'vectors'; rows: Float32Array[] } | { kind: 'terms'; bags: Array<Map<string, number>> };

export type ReductionMethod = 'pca' | 'tsne' | 'umap';

export type ComputeTask =
  | { type: 'reduce'; input: ComputeInput; method: ReductionMethod; dimensions: 2 | 3; perplexity: number; neighbors: number }
  | { type: 'similarity'; input: ComputeInput }
  | { type: 'average-similarity'; input: ComputeInput };

export interface ComputeResults {
  reduce: { coordinates: number[][]; explainedVariance: number[] | null };
  similarity: { matrix: number[][] };
  'average-similarity': { averageSimilarity: number };
}

export type ComputeResult<Task extends ComputeTask> = ComputeResults[Task['type']];

export type FromComputeWorker =
  | { type: 'progress'; done: number }
  | { type: 'result'; result: ComputeResults[keyof ComputeResults] }
  | { type: 'error'; message: string };
