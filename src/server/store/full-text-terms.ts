/**
 * Very common English words: dropped from full-text queries (OR-ed terms) because they match nearly
 * every chunk. Lucene's classic list plus question words. Kept when the query has nothing else.
 */
const STOPWORDS = new Set(
  (
    'a an and are as at be but by for if in into is it no not of on or such that the their then there these ' +
    'they this to was will with what which who whom whose when where why how does do did can could should ' +
    'would i me my we our you your he she his her its about from have has had been being were am'
  ).split(' '),
);

/** The words of a text as both stores tokenize it (FTS5 unicode61 and the PostgreSQL side): letters and digits, lower case. */
export function queryTerms(query: string): string[] {
  return (
    query
      .toLowerCase()
      .normalize('NFC')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, 256);
}

/**
 * The distinct terms a natural-language question is searched by, OR-ed by each store in its own
 * syntax so a passage needs only some of the words; BM25 ranks those with more and rarer ones first.
 * Empty when the query has no searchable word.
 */
export function searchTerms(query: string): string[] {
  const terms = [...new Set(queryTerms(query))];
  const meaningful = terms.filter((term) => !STOPWORDS.has(term));
  return (meaningful.length > 0 ? meaningful : terms).slice(0, 64);
}

/** The FTS5 expression for a question: each term quoted (so no user text is read as FTS5 syntax) and OR-ed. */
export function fullTextExpression(query: string): string | undefined {
  const chosen = searchTerms(query);
  if (chosen.length === 0) return undefined;
  return chosen.map((term) => `"${term}"`).join(' OR ');
}
