/**
 * The messages between the analytics service and its worker thread. Both ends are ours and typed
 * arrays cross by structured clone, so the worker checks only the discriminants it switches on.
 */
import type { NormStatistics } from '../math/embedding-statistics.ts';

/** Rows to compute on: stored embeddings, or chunk texts the worker turns into TF-IDF vectors. */
export type ComputeInput = { kind: 'vectors'; rows: Float32Array[] } | { kind: 'texts'; texts: string[] };

export type ReductionMethod = 'pca' | 'tsne' | 'umap';

/** Tasks whose whole input is in the task. */
export type ComputeTask =
  | { type: 'reduce'; input: ComputeInput; method: ReductionMethod; dimensions: 2 | 3; perplexity: number; neighbors: number }
  | { type: 'similarity'; input: ComputeInput }
  | { type: 'average-similarity'; input: ComputeInput };

/**
 * Tasks fed page by page (`StreamPage`), so a project of any size is summed in the worker without
 * holding all of its vectors anywhere.
 */
export type StreamTask =
  /** Mean of each key's rows (summed term counts for texts), then the cosine matrix of the means in `keys` order. */
  | { type: 'pooled-similarity'; source: 'vectors' | 'texts'; keys: number[] }
  /** Norm statistics of all rows and of each key's rows. */
  | { type: 'norm-statistics' };

/** One page of rows, each with its key (a document id): vectors as one flat array of `dimension`-long rows, or texts. */
export type StreamPage = { keys: number[] } & ({ dimension: number; flat: Float32Array } | { texts: string[] });

export interface ComputeResults {
  reduce: { coordinates: number[][]; explainedVariance: number[] | null };
  similarity: { matrix: number[][] };
  'average-similarity': { averageSimilarity: number };
  /** `keys`: those of the task's keys that had rows, in its order; the matrix is over them. */
  'pooled-similarity': { keys: number[]; matrix: number[][] };
  'norm-statistics': { overall: NormStatistics | null; byKey: Array<[number, NormStatistics]>; dimension: number; count: number };
}

export type ComputeResult<Task extends ComputeTask | StreamTask> = ComputeResults[Task['type']];

export type ToComputeWorker = { type: 'page'; page: StreamPage } | { type: 'end' };

export type FromComputeWorker =
  | { type: 'progress'; done: number }
  /** A page was taken in: the next may be sent (one page in flight keeps the worker's queue bounded). */
  | { type: 'ack' }
  | { type: 'result'; result: ComputeResults[keyof ComputeResults] }
  | { type: 'error'; message: string };
