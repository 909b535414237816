import type Database from 'better-sqlite3';
import { anyTermExpression as anyOf, searchTerms } from '../full-text-terms.ts';
import { boundHolds, type FullTextPlan, mergeTopRows, planFullText, type ScoredRow, termScoreBound, widenPlan } from './full-text-plan.ts';

export interface FullTextSearch {
  projectId: number;
  query: string;
  limit: number;
}

export interface FullTextOptions {
  /** Below this many chunks in the file the plain OR query is fast enough and always runs. */
  planFromRows: number;
  /** A term found in at least this share of the chunks is common (full-text-plan.ts). */
  commonShare: number;
  /** Plans tried (each widening one) before the plain OR query runs instead. */
  maxRounds: number;
}

export interface PlannedSearch {
  rows: ScoredRow[];
  /** `rare terms first` after `rounds` plans (full-text-plan.ts), else the plain OR of every term. */
  plan: 'none' | 'all terms' | 'rare terms first';
  rounds?: number;
}

/** Enough for every term of many questions between two writes. */
const MAX_COUNTED_TERMS = 10_000;

/** Measured with bench:scale --fts-only (README): at 100k chunks the plain query is ~15 ms. */
export const DEFAULT_FULL_TEXT_OPTIONS: FullTextOptions = { planFromRows: 50_000, commonShare: 0.05, maxRounds: 3 };

/**
 * BM25 top-k full-text search on one connection (the store's reader worker, or the main connection
 * of an in-memory store), planned so that at a million chunks the common query words' posting lists
 * are only probed inside the rare words' matches (full-text-plan.ts); the answer is the plain OR
 * query's. bm25() is negative (more negative = better); the API speaks "higher is better".
 */
export function createFullTextSearcher(db: Database.Database, options: FullTextOptions = DEFAULT_FULL_TEXT_OPTIONS) {
  const statements = {
    hasChunks: db.prepare<[number], { found: number }>('SELECT EXISTS (SELECT 1 FROM chunks WHERE project_id = ?) AS found'),
    // Two index seeks: whether any chunk belongs to another project (else the project filter is moot).
    othersHaveChunks: db.prepare<[number, number], { found: number }>(
      `SELECT EXISTS (SELECT 1 FROM chunks WHERE project_id < ?) OR EXISTS (SELECT 1 FROM chunks WHERE project_id > ?) AS found`,
    ),
    // An upper bound on the rows FTS5 counts (ids are unique and positive), without a count.
    rowsAtMost: db.prepare<[], { rows: number | null }>('SELECT max(id) AS rows FROM chunks'),
    hits: db.prepare<[string], { hits: number }>('SELECT count(*) AS hits FROM chunks_fts WHERE chunks_fts MATCH ?'),
    // Changes whenever another connection commits (this one only reads).
    dataVersion: db.prepare<[], { data_version: number }>('PRAGMA data_version'),
    // Filtering by project happens inside the query, before ORDER BY/LIMIT: another project's chunk
    // can never take a place in the ranking.
    inProject: db.prepare<[string, number, number], { id: number; rank: number }>(
      `SELECT c.id, bm25(chunks_fts) AS rank
       FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
       WHERE chunks_fts MATCH ? AND c.project_id = ?
       ORDER BY rank LIMIT ?`,
    ),
    // The same when every chunk of the file is the project's: no lookup of each match in `chunks`.
    whole: db.prepare<[string, number], { id: number; rank: number }>(
      `SELECT rowid AS id, bm25(chunks_fts) AS rank FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?`,
    ),
  };

  // Rows per term, counted once per version of the file (a count walks the term's whole posting list).
  let counted = { version: Number.NaN, rows: 0, hits: new Map<string, number>() };
  const hitsOf = (term: string, rows: number): number => {
    const version = statements.dataVersion.get()?.data_version ?? 0;
    if (counted.version !== version || counted.rows !== rows || counted.hits.size > MAX_COUNTED_TERMS) {
      counted = { version, rows, hits: new Map() };
    }
    let hits = counted.hits.get(term);
    if (hits === undefined) {
      hits = statements.hits.get(anyOf([term]))?.hits ?? 0;
      counted.hits.set(term, hits);
    }
    return hits;
  };

  // One read transaction: the plan's statements see one snapshot of the index.
  const search = db.transaction(({ projectId, query, limit }: FullTextSearch): PlannedSearch => {
    const terms = searchTerms(query);
    if (terms.length === 0) return { rows: [], plan: 'none' };
    // The FTS5 index spans every project: an empty project would still walk every matching
    // posting of the others before the project filter drops them all.
    if ((statements.hasChunks.get(projectId)?.found ?? 0) === 0) return { rows: [], plan: 'none' };
    const alone = (statements.othersHaveChunks.get(projectId, projectId)?.found ?? 1) === 0;
    const top = (expression: string): ScoredRow[] =>
      (alone ? statements.whole.all(expression, limit) : statements.inProject.all(expression, projectId, limit)).map((row) => ({
        id: row.id,
        score: -row.rank,
      }));

    const rows = statements.rowsAtMost.get()?.rows ?? 0;
    if (terms.length > 1 && rows >= options.planFromRows) {
      const cap = Math.max(1, Math.ceil(rows * options.commonShare));
      const frequencies = terms.map((term) => ({ term, hits: hitsOf(term, rows) }));
      const hits = new Map(frequencies.map((entry) => [entry.term, entry.hits]));
      let plan: FullTextPlan | undefined = planFullText(frequencies, cap);
      for (let round = 1; plan && round <= options.maxRounds; round += 1) {
        const bound = plan.common.reduce((sum, term) => sum + termScoreBound(rows, hits.get(term)!), 0);
        const rare = anyOf(plan.rare);
        const merged = mergeTopRows(top(rare), top(`(${rare}) AND (${anyOf(plan.common)})`), limit);
        if (boundHolds(merged, limit, bound)) return { rows: merged, plan: 'rare terms first', rounds: round };
        plan = widenPlan(plan);
      }
    }
    return { rows: top(anyOf(terms)), plan: 'all terms' };
  });

  return {
    search(request: FullTextSearch): Array<{ chunkId: number; score: number }> {
      return search(request).rows.map((row) => ({ chunkId: row.id, score: row.score }));
    },
    /** The same search with the plan it took (tests and benchmarks). */
    explain: (request: FullTextSearch): PlannedSearch => search(request),
  };
}
