import { describe, expect, it } from 'vitest';
import {
  bm25Idf,
  boundHolds,
  mergeTopRows,
  planFullText,
  termScoreBound,
  widenPlan,
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

  it('splits at the cap (common terms commonest first), and plans nothing when no term or every term is common', () => {
    const terms = [
      { term: 'patient', hits: 100 },
      { term: 'apoptosi', hits: 7 },
      { term: 'cell', hits: 300 },
    ];
    expect(planFullText(terms, 100)).toEqual({ rare: ['apoptosi'], common: ['cell', 'patient'] });
    expect(planFullText(terms, 301)).toBeUndefined();
    expect(planFullText(terms, 7)).toBeUndefined();
  });

  it('widens a failed plan one common term at a time, then gives up (the plain OR query runs)', () => {
    const first = { rare: ['a'], common: ['b', 'c'] };
    expect(widenPlan(first)).toEqual({ rare: ['a', 'c'], common: ['b'] });
    expect(widenPlan({ rare: ['a', 'c'], common: ['b'] })).toBeUndefined();
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
