import { describe, expect, it } from 'vitest';
import { RRF_K, reciprocalRankFusion } from '../../../src/server/search/reciprocal-rank-fusion.ts';

describe('reciprocalRankFusion', () => {
  it('ranks items found high in both lists first and scales scores to 0–1', () => {
    const fused = reciprocalRankFusion([
      [1, 2, 3],
      [3, 1, 4],
    ]);
    expect(fused.map((item) => item.id)).toEqual([1, 3, 2, 4]);
    expect(fused[0]!.score).toBeCloseTo((1 / (RRF_K + 1) + 1 / (RRF_K + 2)) / (2 / (RRF_K + 1)));
    expect(reciprocalRankFusion([[7], [7]])[0]!.score).toBe(1);
    expect(fused.every((item) => item.score > 0 && item.score <= 1)).toBe(true);
  });

  it('handles a single list and empty lists', () => {
    expect(reciprocalRankFusion([[5, 6], []]).map((item) => [item.id, Number(item.score.toFixed(3))])).toEqual([
      [5, 1],
      [6, Number(((RRF_K + 1) / (RRF_K + 2)).toFixed(3))],
    ]);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});
