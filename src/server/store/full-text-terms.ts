import { analyzeQuery } from './text-analyzer.ts';

/**
 * The distinct index terms a natural-language question is searched by (see text-analyzer.ts), OR-ed
 * by each store in its own syntax so a passage needs only some of the words; BM25 ranks those with
 * more and rarer ones first. Repeating a term in the query does not weigh it more: measured on
 * SciFact and Cranfield it made no difference (bench/README.md). Empty when nothing is searchable.
 */
export function searchTerms(query: string): string[] {
  return [...analyzeQuery(query).keys()];
}

/** The FTS5 expression for a question: each term quoted (so no user text is read as FTS5 syntax) and OR-ed. */
export function fullTextExpression(query: string): string | undefined {
  const chosen = searchTerms(query);
  if (chosen.length === 0) return undefined;
  return anyTermExpression(chosen);
}

/** The FTS5 OR of index terms, each quoted. */
export function anyTermExpression(terms: string[]): string {
  return terms.map((term) => `"${term}"`).join(' OR ');
}
