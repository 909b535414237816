import { seededRandom } from './seeded-random.ts';
import { dot, normalizeRows, vectorNorm, type VectorRow } from './vector-rows.ts';

/** How many rows the average similarity samples, as the original did. */
export const SIMILARITY_SAMPLE_SIZE = 100;

export interface NormStatistics {
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** Population mean and standard deviation (numpy's defaults), min and max of the rows' norms. */
export function normStatistics(norms: readonly number[]): NormStatistics {
  if (norms.length === 0) return { mean: 0, std: 0, min: 0, max: 0 };
  const mean = norms.reduce((sum, norm) => sum + norm, 0) / norms.length;
  const variance = norms.reduce((sum, norm) => sum + (norm - mean) ** 2, 0) / norms.length;
  let min = Infinity;
  let max = -Infinity;
  for (const norm of norms) {
    if (norm < min) min = norm;
    if (norm > max) max = norm;
  }
  return { mean, std: Math.sqrt(variance), min, max };
}

/**
 * The same statistics taken one norm at a time (Welford's running mean and squared deviations), so a
 * project of any size is summed in constant memory.
 */
export class NormAccumulator {
  private count = 0;
  private mean = 0;
  private squares = 0;
  private min = Infinity;
  private max = -Infinity;

  add(norm: number): void {
    this.count += 1;
    const delta = norm - this.mean;
    this.mean += delta / this.count;
    this.squares += delta * (norm - this.mean);
    if (norm < this.min) this.min = norm;
    if (norm > this.max) this.max = norm;
  }

  get size(): number {
    return this.count;
  }

  statistics(): NormStatistics {
    if (this.count === 0) return { mean: 0, std: 0, min: 0, max: 0 };
    return { mean: this.mean, std: Math.sqrt(Math.max(0, this.squares / this.count)), min: this.min, max: this.max };
  }
}

export function rowNorms(rows: readonly VectorRow[]): number[] {
  return rows.map(vectorNorm);
}

/**
 * Mean cosine similarity over the distinct pairs of a sample of the rows: all of them up to 100, else
 * a seeded sample of 100 (the original's sample was not seeded, so the value moved between calls).
 */
export function averageSimilarity(rows: readonly VectorRow[], seed?: number): number {
  if (rows.length < 2) return 0;
  let sample = rows;
  if (rows.length > SIMILARITY_SAMPLE_SIZE) {
    // A partial Fisher–Yates shuffle of the indexes picks the sample without repeats.
    const random = seededRandom(seed);
    const indexes = rows.map((_, index) => index);
    for (let position = 0; position < SIMILARITY_SAMPLE_SIZE; position += 1) {
      const pick = position + Math.floor(random() * (indexes.length - position));
      [indexes[position], indexes[pick]] = [indexes[pick]!, indexes[position]!];
    }
    sample = indexes.slice(0, SIMILARITY_SAMPLE_SIZE).map((index) => rows[index]!);
  }
  const units = normalizeRows(sample);
  let sum = 0;
  let pairs = 0;
  for (let row = 0; row < units.length; row += 1) {
    for (let column = row + 1; column < units.length; column += 1) {
      sum += dot(units[row]!, units[column]!);
      pairs += 1;
    }
  }
  return sum / pairs;
}
