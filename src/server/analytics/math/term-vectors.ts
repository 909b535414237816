/** Terms kept as dimensions: the most widespread ones, so a large vocabulary stays a small matrix. */
export const MAX_TERMS = 1024;

const WORD = /[\p{L}\p{N}]{2,}/gu;

/** Lower-cased words of two or more letters or digits, with their counts. */
export function termCounts(text: string, into: Map<string, number> = new Map()): Map<string, number> {
  for (const match of text.toLowerCase().matchAll(WORD)) into.set(match[0], (into.get(match[0]) ?? 0) + 1);
  return into;
}

/**
 * TF-IDF rows (sublinear tf, smoothed idf, as sklearn's TfidfVectorizer) over the `MAX_TERMS` terms
 * found in most rows: the vectors a project without an embedding model is mapped with (projected by
 * PCA this is latent semantic analysis).
 */
export function termVectors(bags: ReadonlyArray<ReadonlyMap<string, number>>): Float64Array[] {
  const documentFrequency = new Map<string, number>();
  for (const bag of bags) for (const term of bag.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  const terms = [...documentFrequency].sort((left, right) => right[1] - left[1] || (left[0] < right[0] ? -1 : 1)).slice(0, MAX_TERMS);
  const column = new Map(terms.map(([term], index) => [term, index]));
  const inverse = terms.map(([, frequency]) => Math.log((1 + bags.length) / (1 + frequency)) + 1);
  return bags.map((bag) => {
    const row = new Float64Array(Math.max(1, terms.length));
    for (const [term, count] of bag) {
      const index = column.get(term);
      if (index !== undefined) row[index] = (1 + Math.log(count)) * inverse[index]!;
    }
    return row;
  });
}
