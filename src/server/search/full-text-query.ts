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

/** The words of a query as the FTS5 unicode61 tokenizer sees them (letters and digits). */
export function queryTerms(query: string): string[] {
  return (query.toLowerCase().normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 256);
}

/**
 * An FTS5 expression for a natural-language question: each distinct term quoted (so no user text is
 * read as FTS5 syntax) and OR-ed, so a passage needs only some of the words; BM25 ranks those with
 * more and rarer ones first. Undefined when the query has no searchable word.
 */
export function fullTextExpression(query: string): string | undefined {
  const terms = [...new Set(queryTerms(query))];
  const meaningful = terms.filter((term) => !STOPWORDS.has(term));
  const chosen = (meaningful.length > 0 ? meaningful : terms).slice(0, 64);
  if (chosen.length === 0) return undefined;
  return chosen.map((term) => `"${term}"`).join(' OR ');
}
