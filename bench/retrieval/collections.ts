/**
 * The test collections bench:retrieval runs: every BEIR-layout folder in ../shared/datasets/ and in
 * bench/retrieval/collections/ (corpus.jsonl.gz, queries.jsonl, qrels/test.tsv, optional
 * qrels/train.tsv). Each may name its published BM25 figure below.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { repositoryRoot } from '../lib/report.ts';

export interface Collection {
  name: string;
  dir: string;
  corpus: Array<{ _id: string; title: string; text: string }>;
  queries: Map<string, string>;
  /** query id → (corpus id → graded relevance) */
  test: Map<string, Map<string, number>>;
  train: Map<string, Map<string, number>> | undefined;
  /** A published BM25 nDCG@10 for this collection, with where it is from. */
  published: string;
}

const PUBLISHED: Record<string, string> = {
  scifact: 'BEIR BM25 0.665; Anserini 0.679 / R@100 0.925',
  cranfield: 'none comparable published (nDCG@10 with these graded judgements); the textbook BM25 row is the reference',
};

export function collectionDirs(): string[] {
  const roots = [path.resolve(repositoryRoot, '../shared/datasets'), path.resolve(repositoryRoot, 'bench/retrieval/collections')];
  const dirs: string[] = [];
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    for (const name of fs.readdirSync(root).sort()) {
      const dir = path.join(root, name);
      if (fs.existsSync(path.join(dir, 'corpus.jsonl.gz')) && fs.existsSync(path.join(dir, 'qrels/test.tsv'))) dirs.push(dir);
    }
  }
  return dirs;
}

function readQrels(file: string): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  for (const line of fs.readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
    const [queryId, corpusId, score] = line.split('\t');
    if (!qrels.has(queryId!)) qrels.set(queryId!, new Map());
    qrels.get(queryId!)!.set(corpusId!, Number(score));
  }
  return qrels;
}

export function loadCollection(dir: string): Collection {
  const name = path.basename(dir);
  const corpus = zlib
    .gunzipSync(fs.readFileSync(path.join(dir, 'corpus.jsonl.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { _id: string; title: string; text: string });
  const queries = new Map(
    fs
      .readFileSync(path.join(dir, 'queries.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { _id: string; text: string })
      .map((query) => [query._id, query.text]),
  );
  const trainFile = path.join(dir, 'qrels/train.tsv');
  return {
    name,
    dir,
    corpus,
    queries,
    test: readQrels(path.join(dir, 'qrels/test.tsv')),
    train: fs.existsSync(trainFile) ? readQrels(trainFile) : undefined,
    published: PUBLISHED[name] ?? 'not known',
  };
}

export function documentText(document: { title: string; text: string }): string {
  return `${document.title} ${document.text}`;
}

export function ndcgAt10(ranked: string[], relevant: Map<string, number>): number {
  let dcg = 0;
  ranked.slice(0, 10).forEach((id, position) => {
    const gain = relevant.get(id) ?? 0;
    if (gain > 0) dcg += (2 ** gain - 1) / Math.log2(position + 2);
  });
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, 10);
  const idcg = ideal.reduce((sum, gain, position) => sum + (2 ** gain - 1) / Math.log2(position + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

export function recallAt100(ranked: string[], relevant: Map<string, number>): number {
  const top = new Set(ranked.slice(0, 100));
  const wanted = [...relevant.entries()].filter(([, gain]) => gain > 0).map(([id]) => id);
  return wanted.length === 0 ? 0 : wanted.filter((id) => top.has(id)).length / wanted.length;
}

export function mrrAt10(ranked: string[], relevant: Map<string, number>): number {
  const position = ranked.slice(0, 10).findIndex((id) => (relevant.get(id) ?? 0) > 0);
  return position < 0 ? 0 : 1 / (position + 1);
}

export interface Scores {
  ndcg_at_10: number;
  recall_at_100: number;
  mrr_at_10: number;
}

/** Mean metrics of rankings (corpus ids, best first) over the judged queries. */
export function evaluate(rankings: Map<string, string[]>, qrels: Map<string, Map<string, number>>): Scores {
  let ndcg = 0;
  let recall = 0;
  let mrr = 0;
  for (const [queryId, relevant] of qrels) {
    const ranked = rankings.get(queryId) ?? [];
    ndcg += ndcgAt10(ranked, relevant);
    recall += recallAt100(ranked, relevant);
    mrr += mrrAt10(ranked, relevant);
  }
  const n = qrels.size || 1;
  return {
    ndcg_at_10: Number((ndcg / n).toFixed(4)),
    recall_at_100: Number((recall / n).toFixed(4)),
    mrr_at_10: Number((mrr / n).toFixed(4)),
  };
}
