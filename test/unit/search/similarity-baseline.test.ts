import { describe, expect, it } from 'vitest';
import { MIN_BASELINE_SAMPLE, relativeFloor, similarityStats, unitVectors } from '../../../src/server/search/similarity-baseline.ts';

describe('similarity baseline: a floor relative to the question’s similarity to the project', () => {
  it('is the mean plus k standard deviations of the question’s cosine to the sample', () => {
    // Half the sample points along the question, half across it: cosines 1 and 0.
    const sample = unitVectors([...Array.from({ length: 10 }, () => [2, 0]), ...Array.from({ length: 10 }, () => [0, 3])]);
    const stats = similarityStats([5, 0], sample)!;
    expect(stats.mean).toBeCloseTo(0.5);
    expect(stats.std).toBeCloseTo(0.5);
    expect(stats.count).toBe(20);
    expect(relativeFloor(stats, 3)).toBeCloseTo(2);
  });

  it('never lies at the mean: a question as similar to every passage as to any has nothing that stands out', () => {
    const stats = similarityStats([1, 0], unitVectors(Array.from({ length: 30 }, () => [1, 1])))!;
    expect(stats.std).toBeCloseTo(0);
    expect(relativeFloor(stats, 3)).toBeGreaterThan(stats.mean);
  });

  it('says nothing for a sample too small to be a distribution', () => {
    expect(similarityStats([1, 0], unitVectors(Array.from({ length: MIN_BASELINE_SAMPLE - 1 }, () => [1, 0])))).toBeUndefined();
  });
});
