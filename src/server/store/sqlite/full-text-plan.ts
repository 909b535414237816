/**
 * Planning a BM25 top-k OR query over FTS5 the way MaxScore does (Turtle & Flood 1995): a chunk that
 * holds only "common" query terms can score at most the sum of those terms' upper bounds, so once the
 * k-th best score of the chunks holding a rarer term is above that sum, the common terms' long
 * posting lists never need walking on their own. The result is the same top k as the OR of every
 * term (up to ties), not an approximation. The split is found from the scores (MaxScore's essential
 * terms): a first plan with only the rarest term(s) gives a k-th score, which every wider plan can
 * only raise; the second plan keeps as common every term that fits under it, so its bound holds.
 */

/** FTS5's bm25() defaults (fts5_aux.c), which the store's query uses. */
const K1 = 1.2;
/** FTS5 floors a non-positive idf at this (a term in more than half the rows). */
const MIN_IDF = 1e-6;

/** FTS5's idf for a term found in `hits` of `rows` rows. */
export function bm25Idf(rows: number, hits: number): number {
  const idf = Math.log((rows - hits + 0.5) / (hits + 0.5));
  return idf > 0 ? idf : MIN_IDF;
}

/**
 * The most one term can add to a row's bm25() score: idf × (k1 + 1), the limit of its term-frequency
 * part. `rowsAtMost` may overcount and `hitsAtLeast` undercount the real figures: both only raise the bound.
 */
export function termScoreBound(rowsAtMost: number, hitsAtLeast: number): number {
  return bm25Idf(rowsAtMost, hitsAtLeast) * (K1 + 1);
}

export interface TermFrequency {
  term: string;
  /** Rows holding the term. */
  hits: number;
  /** The best score the term alone gives any row (FTS5's own bm25() of it), when measured. */
  best?: number;
}

/**
 * A measured best as a bound: the term's part of a row's score in a many-term query is the same
 * idf × tf part as its score alone; the margin covers the last bits of float summation.
 */
export function measuredBound(best: number): number {
  return best * (1 + 1e-9) + 1e-12;
}

/** A query term with the most it can add to a chunk's score. */
export interface PlanTerm extends TermFrequency {
  bound: number;
}

/** The terms rarest first (ties by term, so a plan is reproducible), each with its bound. */
export function orderTerms(terms: TermFrequency[], rowsAtMost: number): PlanTerm[] {
  return terms
    .map((term) => ({ ...term, bound: term.best === undefined ? termScoreBound(rowsAtMost, term.hits) : measuredBound(term.best) }))
    .sort((a, b) => a.hits - b.hits || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
}

/**
 * The most a chunk holding only terms from `split` on (none of the `split` rarest) can score.
 * Summed commonest first, always in this order, so the same split gives the same float.
 */
export function boundFrom(terms: PlanTerm[], split: number): number {
  let sum = 0;
  for (let i = terms.length - 1; i >= split; i -= 1) sum += terms[i]!.bound;
  return sum;
}

/** The first plan: the fewest rarest terms whose chunks could fill the top `limit` (at least one). */
export function seedSplit(terms: PlanTerm[], limit: number): number {
  let split = 0;
  for (let hits = 0; split < terms.length && hits < limit; split += 1) hits += terms[split]!.hits;
  return Math.max(1, split);
}

/**
 * The plan after one whose merged top `limit` ended at `threshold`: the fewest rarest terms such that
 * the others' bound is below it. Any plan with more rare terms has at least these candidates, so its
 * `limit`-th score is at least `threshold` and its bound holds (MaxScore's essential terms).
 */
export function splitBelow(terms: PlanTerm[], threshold: number): number {
  let split = 0;
  while (split < terms.length && !(boundFrom(terms, split) < threshold)) split += 1;
  return split;
}

export interface ScoredRow {
  id: number;
  /** Higher is better (the negated bm25()). */
  score: number;
}

/**
 * The top `limit` of the rare terms' chunks, scored with every term, from two top-`limit` lists:
 * `rareOnly` (scored by the rare terms; right for chunks without a common term) and `withCommon`
 * (chunks holding a rare and a common term, scored by all). A chunk of `rareOnly` that also holds a
 * common term but is outside `withCommon`'s top `limit` gets its lower rare-only score here, which
 * is still below `withCommon`'s `limit`-th score, so it can never take a place it should not.
 */
export function mergeTopRows(rareOnly: ScoredRow[], withCommon: ScoredRow[], limit: number): ScoredRow[] {
  const best = new Map<number, number>();
  for (const row of rareOnly) best.set(row.id, row.score);
  for (const row of withCommon) best.set(row.id, Math.max(row.score, best.get(row.id) ?? row.score));
  return [...best]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, limit);
}

/**
 * Whether the merged top `limit` is the full query's: it is full and its last score beats anything a
 * chunk holding only common terms could score.
 */
export function boundHolds(top: ScoredRow[], limit: number, commonBound: number): boolean {
  return top.length >= limit && top[limit - 1]!.score > commonBound;
}
