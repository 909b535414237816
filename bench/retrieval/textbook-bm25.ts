/**
 * The reference bench:retrieval compares against: a textbook Okapi BM25 in memory (Lucene's
 * formula: idf = ln(1 + (N − n + 0.5) / (n + 0.5)), k1 = 1.2, b = 0.75, each query term counted as
 * often as it occurs), over documents and queries run through a given analyzer. It never touches the
 * app: it says what a well-implemented BM25 scores on the same collection.
 */
export interface TextbookOptions {
  k1?: number;
  b?: number;
}

export class TextbookBm25 {
  private readonly postings = new Map<string, Array<[number, number]>>();
  private readonly lengths: number[] = [];
  private readonly ids: string[] = [];
  private averageLength = 1;

  constructor(
    documents: Array<{ id: string; terms: string[] }>,
    private readonly options: TextbookOptions = {},
  ) {
    for (const document of documents) {
      const index = this.ids.length;
      this.ids.push(document.id);
      this.lengths.push(document.terms.length);
      const counts = new Map<string, number>();
      for (const term of document.terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, tf] of counts) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push([index, tf]);
      }
    }
    this.averageLength = this.lengths.reduce((sum, length) => sum + length, 0) / (this.lengths.length || 1) || 1;
  }

  search(query: Map<string, number>, limit: number): string[] {
    const k1 = this.options.k1 ?? 1.2;
    const b = this.options.b ?? 0.75;
    const n = this.ids.length;
    const scores = new Map<number, number>();
    for (const [term, weight] of query) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const [index, tf] of list) {
        const norm = tf + k1 * (1 - b + (b * this.lengths[index]!) / this.averageLength);
        scores.set(index, (scores.get(index) ?? 0) + (weight * idf * tf * (k1 + 1)) / norm);
      }
    }
    return [...scores.entries()]
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .slice(0, limit)
      .map(([index]) => this.ids[index]!);
  }
}
