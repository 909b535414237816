import { PCA } from 'ml-pca';
import { describe, expect, it } from 'vitest';
import { cosineSimilarityMatrix } from '../../../src/server/analytics/math/cosine-similarity-matrix.ts';
import { averageSimilarity, NormAccumulator, normStatistics } from '../../../src/server/analytics/math/embedding-statistics.ts';
import { MeanPool } from '../../../src/server/analytics/math/mean-pool.ts';
import { principalComponents } from '../../../src/server/analytics/math/principal-components.ts';
import { seededRandom } from '../../../src/server/analytics/math/seeded-random.ts';
import { termCounts, termVectors } from '../../../src/server/analytics/math/term-vectors.ts';
import { tsneProjection } from '../../../src/server/analytics/math/tsne-projection.ts';
import { umapProjection } from '../../../src/server/analytics/math/umap-projection.ts';

/** Points along three axes with variances 25 : 4 : 1 (and a little noise), rotated into 6 dimensions. */
function knownDataset(count: number): number[][] {
  const random = seededRandom(7);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, () => {
    const [a, b, c] = [5 * gaussian(), 2 * gaussian(), gaussian()];
    return [a + b, a - b, c, 0.01 * gaussian(), a + c, 3 - b];
  });
}

describe('analytics math', () => {
  it('PCA gives the top principal components of ml-pca (up to sign) and their variance ratios', () => {
    const rows = knownDataset(400);
    const ours = principalComponents(rows, 3);
    const reference = new PCA(rows, { method: 'SVD', center: true, scale: false });
    const referenceRatios = reference.getExplainedVariance().slice(0, 3);
    ours.explainedVarianceRatio.forEach((ratio, index) => expect(ratio).toBeCloseTo(referenceRatios[index]!, 6));
    const loadings = reference.getLoadings().to2DArray();
    ours.axes.forEach((axis, index) => {
      const agreement = axis.reduce((sum, value, column) => sum + value * loadings[index]![column]!, 0);
      expect(Math.abs(agreement)).toBeCloseTo(1, 6);
    });
    // Decreasing, at most 1 in all.
    const [first, second, third] = ours.explainedVarianceRatio as [number, number, number];
    expect(first).toBeGreaterThan(second);
    expect(second).toBeGreaterThan(third);
    expect(first + second + third).toBeLessThanOrEqual(1 + 1e-12);
  });

  it('PCA coordinates are the centred rows projected on the axes', () => {
    const rows = knownDataset(50);
    const { coordinates, axes } = principalComponents(rows, 2);
    const means = rows[0]!.map((_, column) => rows.reduce((sum, row) => sum + row[column]!, 0) / rows.length);
    const expected = rows[10]!.reduce((sum, value, column) => sum + (value - means[column]!) * axes[0]![column]!, 0);
    expect(coordinates[10]![0]).toBeCloseTo(expected, 9);
  });

  it('the cosine matrix is symmetric, has 1 on the diagonal and equals the cosines', () => {
    const rows = knownDataset(12);
    const matrix = cosineSimilarityMatrix(rows);
    const cosine = (left: number[], right: number[]) =>
      left.reduce((sum, value, index) => sum + value * right[index]!, 0) / Math.hypot(...left) / Math.hypot(...right);
    for (let row = 0; row < rows.length; row += 1) {
      expect(matrix[row]![row]).toBe(1);
      for (let column = 0; column < rows.length; column += 1) {
        expect(matrix[row]![column]).toBe(matrix[column]![row]);
        expect(matrix[row]![column]).toBeCloseTo(cosine(rows[row]!, rows[column]!), 12);
      }
    }
  });

  it('mean pooling uses every one of more than 1,000 vectors', () => {
    const pool = new MeanPool();
    // 1,500 vectors of document 1: the first 1,000 are [1, 0], the last 500 are [0, 3].
    for (let index = 0; index < 1_500; index += 1) pool.add(1, index < 1_000 ? [1, 0] : [0, 3]);
    pool.add(2, [5, 5]);
    const [first, second] = pool.means();
    expect(first!.count).toBe(1_500);
    expect(Array.from(first!.mean)).toEqual([1_000 / 1_500, 1_500 / 1_500]);
    expect(Array.from(second!.mean)).toEqual([5, 5]);
  });

  it('seeded: PCA, t-SNE, UMAP and the average similarity repeat exactly', () => {
    const rows = knownDataset(60);
    expect(principalComponents(rows, 2)).toEqual(principalComponents(rows, 2));
    const tsne = () => tsneProjection({ rows, dimensions: 2, perplexity: 10 });
    const first = tsne();
    expect(tsne()).toEqual(first);
    expect(first.flat().every(Number.isFinite)).toBe(true);
    const umap = () => umapProjection({ rows, dimensions: 3, neighbors: 10 });
    const layout = umap();
    expect(umap()).toEqual(layout);
    expect(layout).toHaveLength(60);
    expect(layout.every((point) => point.length === 3 && point.every(Number.isFinite))).toBe(true);
    const many = knownDataset(300);
    expect(averageSimilarity(many)).toBe(averageSimilarity(many));
    // A different seed picks another sample (and so, almost surely, another mean).
    expect(averageSimilarity(many, 1)).not.toBe(averageSimilarity(many));
  });

  it('norm statistics are the population mean and deviation', () => {
    expect(normStatistics([1, 3])).toEqual({ mean: 2, std: 1, min: 1, max: 3 });
    // The running version (one norm at a time, as the worker takes pages) agrees with the direct one.
    const random = seededRandom(3);
    const norms = Array.from({ length: 5_000 }, () => 10 + random() * 3);
    const running = new NormAccumulator();
    for (const norm of norms) running.add(norm);
    const direct = normStatistics(norms);
    const streamed = running.statistics();
    expect(streamed.min).toBe(direct.min);
    expect(streamed.max).toBe(direct.max);
    expect(streamed.mean).toBeCloseTo(direct.mean, 10);
    expect(streamed.std).toBeCloseTo(direct.std, 10);
    // More norms than a spread call could take as arguments.
    expect(normStatistics(new Array(300_000).fill(2))).toEqual({ mean: 2, std: 0, min: 2, max: 2 });
  });

  it('term vectors weigh rare shared terms over common ones', () => {
    const bags = ['cats purr softly', 'cats purr loudly', 'dogs bark loudly'].map((text) => termCounts(text));
    const [cats, purr, dogs] = termVectors(bags);
    const matrix = cosineSimilarityMatrix([cats!, purr!, dogs!]);
    expect(matrix[0]![1]).toBeGreaterThan(matrix[0]![2]!);
    expect(matrix[0]![2]).toBe(0);
  });
});
