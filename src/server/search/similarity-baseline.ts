/**
 * How similar a question is to a project's passages in general, for the project's own embedder.
 * Every embedder has its own scale (one gives unrelated text 0.05, another 0.45), and a question made
 * of common words is a little similar to everything, so a fixed cosine floor cannot say "relevant"
 * for all of them. A floor relative to the question's own similarity to a sample of the project's
 * passages can: the best passage is relevant when it stands out from that distribution by `k`
 * standard deviations (a z-score), whatever the embedder's scale.
 */
export interface SimilarityStats {
  /** Mean cosine similarity of the question to the sampled passages. */
  mean: number;
  /** Their standard deviation. */
  std: number;
  /** How many passages were compared. */
  count: number;
}

/** Fewer sampled passages than this say nothing about a distribution. */
export const MIN_BASELINE_SAMPLE = 20;

/** The sample as unit vectors (so each comparison is one dot product). */
export function unitVectors(vectors: ReadonlyArray<ArrayLike<number>>): Float32Array[] {
  return vectors.map((vector) => {
    const norm = Math.sqrt(dot(vector, vector)) || 1;
    return Float32Array.from(vector as ArrayLike<number>, (value) => value / norm);
  });
}

/** The question's cosine similarity to each sampled passage, as mean and spread; undefined for a small sample. */
export function similarityStats(query: ArrayLike<number>, sample: readonly Float32Array[]): SimilarityStats | undefined {
  if (sample.length < MIN_BASELINE_SAMPLE) return undefined;
  const norm = Math.sqrt(dot(query, query)) || 1;
  const values = sample.map((vector) => dot(query, vector) / norm);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance), count: values.length };
}

/**
 * The cosine similarity the question's best passage must reach: `k` standard deviations above its
 * mean, and always above the mean itself (a question equally similar to everything has nothing that
 * stands out).
 */
export function relativeFloor(stats: SimilarityStats, k: number): number {
  return stats.mean + Math.max(k * stats.std, STANDS_OUT);
}

/** The least margin over the mean that counts as standing out. */
const STANDS_OUT = 1e-6;

function dot(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let sum = 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) sum += left[index]! * right[index]!;
  return sum;
}
