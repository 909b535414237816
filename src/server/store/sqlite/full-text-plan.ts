/**
 * Planning a BM25 top-k OR query over FTS5 the way MaxScore does (Turtle & Flood 1995): a chunk that
 * holds only "common" query terms can score at most the sum of those terms' upper bounds, so once the
 * k-th best score of the chunks holding a rarer term is above that sum, the common terms' long
 * posting lists never need walking on their own. The result is the same top k as the OR of every
 * term (up to ties), not an approximation: when the bound does not hold, a common term moves to the
 * rare side and the plan runs again, down to the plain OR query.
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
}

export interface FullTextPlan {
  /** Searched on their own: every candidate holds at least one of them. */
  rare: string[];
  /** Only re-scored inside the rare terms' candidates, commonest first. */
  common: string[];
}

/**
 * The first plan: the terms found in at least `cap` rows are common, unless every term is (then
 * there is nothing rare to start from and the plain OR query runs).
 */
export function planFullText(terms: TermFrequency[], cap: number): FullTextPlan | undefined {
  const common = terms
    .filter((term) => term.hits >= cap)
    .sort((a, b) => b.hits - a.hits)
    .map((term) => term.term);
  if (common.length === 0 || common.length === terms.length) return undefined;
  return { rare: terms.filter((term) => term.hits < cap).map((term) => term.term), common };
}

/** The next plan when the bound failed: the least common of the common terms becomes rare. */
export function widenPlan(plan: FullTextPlan): FullTextPlan | undefined {
  if (plan.common.length <= 1) return undefined;
  return { rare: [...plan.rare, plan.common.at(-1)!], common: plan.common.slice(0, -1) };
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
