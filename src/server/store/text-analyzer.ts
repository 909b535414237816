import { stem } from 'porter2';

/**
 * Lucene's English stop words (EnglishAnalyzer's default set): removed from the index and from
 * queries, so a question written as a sentence is searched by its content words.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);

/** Question and pronoun words that carry no topic: dropped from queries only (a passage may need them as text). */
const QUERY_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'what which who whom whose when where why how does do did can could should would i me my we our you your he she his her its ' +
    'about from have has had been being were am'
  ).split(' '),
);

/** Longest token kept: longer runs are identifiers or noise, and FTS5 stores each one whole. */
const MAX_TOKEN_LENGTH = 64;

/**
 * The words of a text, lower case, diacritics folded (é → e), English possessives dropped
 * (`cell's` → `cell`): letters and digits only.
 */
export function tokenize(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/['’](s\b)?/g, '')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((token) => token.length <= MAX_TOKEN_LENGTH);
}

/** One word to its index term: Snowball English (Porter2) for words of Latin letters, unchanged otherwise. */
export function stemToken(token: string): string {
  return /^[a-z]+$/.test(token) ? stem(token) : token;
}

/**
 * The index terms of a stored passage: tokenized, stop words removed, stemmed. Both stores index
 * exactly these (SQLite: FTS5 over this text; PostgreSQL: postings of these terms).
 */
export function analyzeDocument(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) if (!STOP_WORDS.has(token)) terms.push(stemToken(token));
  return terms;
}

/** The analyzed text stored for full-text search: index terms separated by spaces. */
export function analyzedText(text: string): string {
  return analyzeDocument(text).join(' ');
}

/**
 * The terms a question is searched by, with how often each occurs in it (BM25 weighs a repeated
 * query term more, as Lucene does). Stop words and question words are dropped unless nothing else is
 * left. At most 64 distinct terms.
 */
export function analyzeQuery(query: string): Map<string, number> {
  const tokens = tokenize(query.slice(0, 10_000));
  let kept = tokens.filter((token) => !STOP_WORDS.has(token) && !QUERY_STOP_WORDS.has(token));
  if (kept.length === 0) kept = tokens;
  const weights = new Map<string, number>();
  for (const token of kept) {
    const term = stemToken(token);
    if (!weights.has(term) && weights.size >= 64) continue;
    weights.set(term, (weights.get(term) ?? 0) + 1);
  }
  return weights;
}

/** Snowball's English stop list (the one PostgreSQL's `english` configuration uses): function words. */
const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she ' +
    'her hers herself it its itself they them their theirs themselves what which who whom this that ' +
    'these those am is are was were be been being have has had having do does did doing a an the ' +
    'and but if or because as until while of at by for with about against between into through ' +
    'during before after above below to from up down in out on off over under again further then ' +
    'once here there when where why how all any both each few more most other some such no nor not ' +
    'only own same so than too very s t can will just don should now'
  ).split(' '),
);

/** How many of a text's words are content words (none of the stop, question or function words). */
export function contentWordCount(text: string): number {
  return tokenize(text).filter((token) => !STOP_WORDS.has(token) && !QUERY_STOP_WORDS.has(token) && !FUNCTION_WORDS.has(token)).length;
}
