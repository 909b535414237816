import { describe, expect, it } from 'vitest';
import { DEFAULT_FUSION, type FusionMethod, fuse, type LexicalHit, type VectorHit } from '../../../src/server/search/fusion.ts';

const lexical = (scores: Array<[number, number]>): LexicalHit[] => scores.map(([chunkId, score]) => ({ chunkId, score }));
const vector = (distances: Array<[number, number]>): VectorHit[] => distances.map(([chunkId, distance]) => ({ chunkId, distance }));

describe('fusion', () => {
  it('reports each hit’s place in both lists', () => {
    const fused = fuse(
      lexical([
        [1, 10],
        [2, 5],
      ]),
      vector([
        [2, 0.1],
        [3, 0.2],
      ]),
    );
    const byId = new Map(fused.map((hit) => [hit.id, hit]));
    expect(byId.get(1)).toMatchObject({ fullTextRank: 1, vectorRank: null });
    expect(byId.get(2)).toMatchObject({ fullTextRank: 2, vectorRank: 1 });
    expect(byId.get(3)).toMatchObject({ fullTextRank: null, vectorRank: 2 });
    expect(fused.every((hit) => hit.score >= 0 && hit.score <= 1)).toBe(true);
  });

  it('ranks a chunk found high by both sides first with every rule', () => {
    const words = lexical([
      [1, 9],
      [2, 8],
      [3, 7],
    ]);
    const meaning = vector([
      [1, 0.1],
      [4, 0.15],
      [2, 0.4],
    ]);
    for (const method of ['rrf', 'weighted_rrf', 'convex', 'margin'] as FusionMethod[]) {
      expect(fuse(words, meaning, { method })[0]!.id).toBe(1);
    }
  });

  it('keeps a full-text first place that wins by a wide margin on top, although the embedder disagrees', () => {
    // Rare exact terms: BM25 18 against 6 for the next; the embedder ranks it last of its list.
    const words = lexical([
      [7, 18],
      [2, 6],
      [3, 5.5],
    ]);
    const meaning = vector([
      [2, 0.1],
      [3, 0.12],
      [4, 0.13],
      [5, 0.14],
      [7, 0.5],
    ]);
    // Plain RRF lets the vector side out-vote it…
    expect(fuse(words, meaning, { method: 'rrf' })[0]!.id).not.toBe(7);
    // …the margin rule does not.
    expect(fuse(words, meaning, { method: 'margin', alpha: 0.5, margin: 1.5 })[0]!.id).toBe(7);
    expect(fuse(words, meaning, DEFAULT_FUSION)[0]!.id).toBe(7);
  });

  it('without a clear full-text winner, the margin rule is the convex combination', () => {
    const words = lexical([
      [1, 6],
      [2, 5.9],
    ]);
    const meaning = vector([
      [2, 0.1],
      [1, 0.6],
    ]);
    expect(fuse(words, meaning, { method: 'margin', alpha: 0.5, margin: 1.5 }).map((hit) => hit.id)).toEqual(
      fuse(words, meaning, { method: 'convex', alpha: 0.5 }).map((hit) => hit.id),
    );
    expect(fuse(words, meaning, { method: 'convex', alpha: 0.5 })[0]!.id).toBe(2);
  });

  it('weighs the full-text list more in weighted RRF', () => {
    const words = lexical([
      [1, 5],
      [2, 4],
    ]);
    const meaning = vector([
      [2, 0.1],
      [1, 0.2],
    ]);
    expect(fuse(words, meaning, { method: 'rrf' })[0]!.id).toBe(1); // tie broken by the first list
    expect(fuse(words, meaning, { method: 'weighted_rrf', lexicalWeight: 3 })[0]!.id).toBe(1);
    expect(fuse(words, [], { method: 'weighted_rrf', lexicalWeight: 3 })[0]!.score).toBe(1);
  });

  it('handles empty lists and equal similarities', () => {
    expect(fuse([], [], DEFAULT_FUSION)).toEqual([]);
    const fused = fuse(
      [],
      vector([
        [1, 0.3],
        [2, 0.3],
      ]),
      { method: 'convex', alpha: 0.5 },
    );
    expect(fused.map((hit) => hit.score)).toEqual([0.5, 0.5]);
  });
});
