import { describe, expect, it } from 'vitest';
import {
  bm25Idf,
  boundFrom,
  boundHolds,
  measuredBound,
  mergeTopRows,
  orderTerms,
  seedSplit,
  splitBelow,
  termScoreBound,
} from '../../../src/server/store/sqlite/full-text-plan.ts';

describe('full-text query planning (rare terms first, MaxScore bound)', () => {
  it('uses FTS5’s idf, floored for terms in more than half the rows, and bounds a term by idf × (k1 + 1)', () => {
    expect(bm25Idf(1000, 10)).toBeCloseTo(Math.log(990.5 / 10.5));
    expect(bm25Idf(1000, 900)).toBe(1e-6);
    expect(termScoreBound(1000, 10)).toBeCloseTo(Math.log(990.5 / 10.5) * 2.2);
    // Fewer hits or more rows can only raise the bound.
    expect(termScoreBound(2000, 10)).toBeGreaterThan(termScoreBound(1000, 10));
    expect(termScoreBound(1000, 5)).toBeGreaterThan(termScoreBound(1000, 10));
  });

  it('orders terms rarest first with their bounds, a measured best bounding its term just above it', () => {
    const ordered = orderTerms(
      [
        { term: 'patient', hits: 100 },
        { term: 'apoptosi', hits: 7, best: 3 },
        { term: 'cell', hits: 300 },
      ],
      1000,
    );
    expect(ordered.map((term) => term.term)).toEqual(['apoptosi', 'patient', 'cell']);
    expect(ordered[0]!.bound).toBe(measuredBound(3));
    expect(measuredBound(3)).toBeGreaterThan(3);
    expect(measuredBound(3)).toBeLessThan(3.000001);
    expect(ordered[1]!.bound).toBe(termScoreBound(1000, 100));
  });

  it('seeds with the fewest rarest terms that can fill the top k, then keeps as common all that fit under the k-th score', () => {
    const terms = [
      { term: 'a', hits: 5, bound: 9 },
      { term: 'b', hits: 30, bound: 6 },
      { term: 'c', hits: 200, bound: 3 },
      { term: 'd', hits: 900, bound: 1 },
    ];
    expect(seedSplit(terms, 3)).toBe(1);
    expect(seedSplit(terms, 10)).toBe(2);
    expect(seedSplit(terms, 10_000)).toBe(4);
    expect(boundFrom(terms, 1)).toBe(10);
    expect(boundFrom(terms, 4)).toBe(0);
    // Under 4.5 fit c and d (3 + 1); under 4 only d; under 1 none (every term is rare).
    expect(splitBelow(terms, 4.5)).toBe(2);
    expect(splitBelow(terms, 4)).toBe(3);
    expect(splitBelow(terms, 1)).toBe(4);
    expect(splitBelow(terms, 100)).toBe(0);
  });

  it('merges the two top lists with each chunk at its best (all-term) score, best first, ids breaking ties', () => {
    const rareOnly = [
      { id: 1, score: 5 },
      { id: 2, score: 4 },
      { id: 3, score: 3 },
    ];
    const withCommon = [
      { id: 3, score: 6 },
      { id: 4, score: 4 },
    ];
    expect(mergeTopRows(rareOnly, withCommon, 3)).toEqual([
      { id: 3, score: 6 },
      { id: 1, score: 5 },
      { id: 2, score: 4 },
    ]);
  });

  it('accepts the merge only when it is full and its last score beats the common terms’ bound', () => {
    const top = [
      { id: 1, score: 9 },
      { id: 2, score: 4 },
    ];
    expect(boundHolds(top, 2, 3.9)).toBe(true);
    expect(boundHolds(top, 2, 4)).toBe(false);
    expect(boundHolds(top, 3, 1)).toBe(false);
  });
});
