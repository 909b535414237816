import { RRF_K, reciprocalRankFusion } from './reciprocal-rank-fusion.ts';

export interface LexicalHit {
  chunkId: number;
  /** BM25, higher is better. */
  score: number;
}

export interface VectorHit {
  chunkId: number;
  /** Cosine distance, lower is better. */
  distance: number;
}

export interface FusedHit {
  id: number;
  /** 0–1, higher is better. */
  score: number;
  /** 1-based place in the full-text list, or null when full text did not find it. */
  fullTextRank: number | null;
  /** 1-based place in the vector list, or null when the vector search did not find it. */
  vectorRank: number | null;
}

/**
 * How the two lists are combined:
 * - `rrf`: reciprocal rank fusion, both lists alike (the previous rule);
 * - `weighted_rrf`: RRF with the full-text list counted `lexicalWeight` times;
 * - `convex`: `alpha` × BM25 / best BM25 + (1 − alpha) × min–max-scaled cosine similarity;
 * - `margin`: convex, and a full-text first place that beats the second by `margin` × (its BM25
 *   at least that many times the next one's) is put first: rare exact terms are a strong signal the
 *   embedder may not share.
 */
export type FusionMethod = 'rrf' | 'weighted_rrf' | 'convex' | 'margin';

export interface FusionOptions {
  method: FusionMethod;
  lexicalWeight?: number;
  alpha?: number;
  margin?: number;
}

/**
 * Chosen on SciFact's train split (best of the rules in bench/retrieval/run.ts with the only embedder
 * reachable here, the fake bag-of-words one) and checked on SciFact's test split and on Cranfield:
 * never below full text alone there, where plain RRF lost 0.15 nDCG@10 (bench/README.md). With a
 * strong embedder a lower alpha may do better; measure before changing it.
 */
export const DEFAULT_FUSION: FusionOptions = { method: 'margin', alpha: 0.9, margin: 1.5 };

export function fuse(lexical: LexicalHit[], vector: VectorHit[], options: FusionOptions = DEFAULT_FUSION): FusedHit[] {
  const fullTextRank = new Map(lexical.map((hit, index) => [hit.chunkId, index + 1]));
  const vectorRank = new Map(vector.map((hit, index) => [hit.chunkId, index + 1]));
  const withRanks = (ranked: Array<{ id: number; score: number }>): FusedHit[] =>
    ranked.map((hit) => ({
      id: hit.id,
      score: hit.score,
      fullTextRank: fullTextRank.get(hit.id) ?? null,
      vectorRank: vectorRank.get(hit.id) ?? null,
    }));

  if (options.method === 'rrf') {
    return withRanks(reciprocalRankFusion([lexical.map((hit) => hit.chunkId), vector.map((hit) => hit.chunkId)]));
  }
  if (options.method === 'weighted_rrf') return withRanks(weightedRrf(lexical, vector, options.lexicalWeight ?? 2));

  const ranked = convex(lexical, vector, options.alpha ?? 0.5);
  if (options.method === 'margin' && lexical.length > 0) {
    const [first, second] = lexical;
    const clear = !second || first!.score >= (options.margin ?? 1.5) * second.score;
    if (clear) {
      const at = ranked.findIndex((hit) => hit.id === first!.chunkId);
      if (at > 0) {
        const [hit] = ranked.splice(at, 1);
        ranked.unshift({ ...hit!, score: Math.max(hit!.score, ranked[0]!.score) });
      }
    }
  }
  return withRanks(ranked);
}

function weightedRrf(lexical: LexicalHit[], vector: VectorHit[], lexicalWeight: number): Array<{ id: number; score: number }> {
  const scores = new Map<number, number>();
  lexical.forEach((hit, index) => scores.set(hit.chunkId, (scores.get(hit.chunkId) ?? 0) + lexicalWeight / (RRF_K + index + 1)));
  vector.forEach((hit, index) => scores.set(hit.chunkId, (scores.get(hit.chunkId) ?? 0) + 1 / (RRF_K + index + 1)));
  const best = ((lexical.length > 0 ? lexicalWeight : 0) + (vector.length > 0 ? 1 : 0)) / (RRF_K + 1) || 1;
  return [...scores.entries()].map(([id, score]) => ({ id, score: Math.min(1, score / best) })).sort(byScore);
}

function convex(lexical: LexicalHit[], vector: VectorHit[], alpha: number): Array<{ id: number; score: number }> {
  const bestLexical = lexical[0]?.score || 1;
  const similarities = vector.map((hit) => 1 - hit.distance);
  const top = Math.max(...similarities);
  const bottom = Math.min(...similarities);
  const spread = top - bottom;
  const scores = new Map<number, number>();
  for (const hit of lexical) scores.set(hit.chunkId, alpha * Math.max(0, hit.score / bestLexical));
  vector.forEach((hit, index) => {
    // A list of equal similarities says nothing about order: each counts fully.
    const scaled = spread > 0 ? (similarities[index]! - bottom) / spread : 1;
    scores.set(hit.chunkId, (scores.get(hit.chunkId) ?? 0) + (1 - alpha) * scaled);
  });
  return [...scores.entries()].map(([id, score]) => ({ id, score: Math.max(0, Math.min(1, score)) })).sort(byScore);
}

function byScore(a: { id: number; score: number }, b: { id: number; score: number }): number {
  return b.score - a.score || a.id - b.id;
}
