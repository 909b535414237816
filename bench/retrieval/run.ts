/**
 * `npm run bench:retrieval`: BEIR SciFact (5,183 abstracts, 300 test queries) indexed through the
 * project's own ingestion (upload service → durable job → parser pool → chunker → SQLite FTS5) and
 * queried through the same retriever a chat uses. Full-text only (no embedder), so the number is
 * the BM25 baseline. Prints nDCG@10 and Recall@100 and writes bench/results/retrieval.json.
 *
 * Each configuration runs on the SQLite store (FTS5 BM25) and on PostgreSQL (BM25 in SQL over
 * tsvector postings) on a throw-away database of TEST_POSTGRES_URL's server (default the local one);
 * `--stores sqlite` or `--stores postgres` picks one.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { LOCAL_ACTOR } from '../../src/server/access/actor.ts';
import { startBenchServer } from '../lib/bench-server.ts';
import { machine, publish, repositoryRoot } from '../lib/report.ts';
import { percentile } from '../lib/stats.ts';
import { createTestDatabase, postgresUnavailable } from '../../test/support/postgres-database.ts';

const datasetDir = path.resolve(repositoryRoot, '../shared/datasets/scifact');

interface Run {
  label: string;
  chunkSize: number;
  chunkOverlap: number;
}

const RUNS: Run[] = [
  // BEIR judges whole abstracts: one chunk per document (the longest is 10,127 characters).
  { label: 'one chunk per abstract (chunk_size 12000)', chunkSize: 12_000, chunkOverlap: 0 },
  // The app's defaults: abstracts split into ~1000-character chunks, a document ranked by its best chunk.
  { label: 'default chunking (1000/200), best chunk per document', chunkSize: 1000, chunkOverlap: 200 },
];

function loadDataset() {
  if (!fs.existsSync(datasetDir))
    throw new Error(`SciFact not found at ${datasetDir} (expected ../shared/datasets/scifact beside the checkout)`);
  const corpus = zlib
    .gunzipSync(fs.readFileSync(path.join(datasetDir, 'corpus.jsonl.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { _id: string; title: string; text: string });
  const queries = new Map(
    fs
      .readFileSync(path.join(datasetDir, 'queries.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { _id: string; text: string })
      .map((query) => [query._id, query.text]),
  );
  const qrels = new Map<string, Map<string, number>>();
  for (const line of fs.readFileSync(path.join(datasetDir, 'qrels/test.tsv'), 'utf8').trim().split('\n').slice(1)) {
    const [queryId, corpusId, score] = line.split('\t');
    if (!qrels.has(queryId!)) qrels.set(queryId!, new Map());
    qrels.get(queryId!)!.set(corpusId!, Number(score));
  }
  return { corpus, queries, qrels };
}

function ndcgAt10(ranked: string[], relevant: Map<string, number>): number {
  let dcg = 0;
  ranked.slice(0, 10).forEach((id, position) => {
    const gain = relevant.get(id) ?? 0;
    if (gain > 0) dcg += (2 ** gain - 1) / Math.log2(position + 2);
  });
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, 10);
  const idcg = ideal.reduce((sum, gain, position) => sum + (2 ** gain - 1) / Math.log2(position + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

function recallAt100(ranked: string[], relevant: Map<string, number>): number {
  const top = new Set(ranked.slice(0, 100));
  const wanted = [...relevant.keys()];
  return wanted.filter((id) => top.has(id)).length / wanted.length;
}

type StoreName = 'sqlite' | 'postgres';

async function runOnce(run: Run, storeName: StoreName, dataset: ReturnType<typeof loadDataset>) {
  const database = storeName === 'postgres' ? await createTestDatabase() : undefined;
  const server = await startBenchServer('retrieval', {
    EMBEDDING_PROVIDER: 'none',
    LLM_PROVIDER: 'extractive',
    ...(database ? { DATABASE_URL: database.url } : {}),
  });
  try {
    const project = await server.store.projects.create({
      name: 'scifact',
      description: null,
      settings: { chunk_size: run.chunkSize, chunk_overlap: run.chunkOverlap },
    });
    const sourceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-scifact-'));
    const indexStart = performance.now();
    for (const document of dataset.corpus) {
      const content = Buffer.from(`${document.title} ${document.text}`, 'utf8');
      const upload = path.join(sourceDir, `${document._id}.txt`);
      fs.writeFileSync(upload, content);
      // The same path an HTTP upload takes after streaming: a received temp file handed to the service.
      await server.documents.addUpload(LOCAL_ACTOR, {
        projectId: project.id,
        filename: `${document._id}.txt`,
        upload: { tempPath: upload, size: content.length, sha256: createHash('sha256').update(content).digest('hex') },
      });
    }
    await server.ingestRunner.whenIdle();
    const indexSeconds = (performance.now() - indexStart) / 1000;
    fs.rmSync(sourceDir, { recursive: true, force: true });
    const documents = await server.store.documents.list({ projectId: project.id, skip: 0, limit: 100_000 });
    const completed = documents.filter((document) => document.status === 'completed');
    if (completed.length !== dataset.corpus.length)
      throw new Error(`${dataset.corpus.length - completed.length} documents did not complete`);
    const chunks = completed.reduce((sum, document) => sum + document.chunkCount, 0);

    let ndcg = 0;
    let recall = 0;
    const latencies: number[] = [];
    for (const [queryId, relevant] of dataset.qrels) {
      const started = performance.now();
      const sources = await server.retriever.retrieve({
        projectId: project.id,
        query: dataset.queries.get(queryId)!,
        limit: 400,
        minScore: 0,
      });
      latencies.push(performance.now() - started);
      const ranked: string[] = [];
      for (const source of sources) {
        const corpusId = source.metadata.filename.replace(/\.txt$/, '');
        if (!ranked.includes(corpusId)) ranked.push(corpusId);
        if (ranked.length === 100) break;
      }
      ndcg += ndcgAt10(ranked, relevant);
      recall += recallAt100(ranked, relevant);
    }
    latencies.sort((a, b) => a - b);
    return {
      store: storeName,
      label: run.label,
      chunk_size: run.chunkSize,
      chunk_overlap: run.chunkOverlap,
      documents: completed.length,
      chunks,
      queries: dataset.qrels.size,
      ndcg_at_10: Number((ndcg / dataset.qrels.size).toFixed(4)),
      recall_at_100: Number((recall / dataset.qrels.size).toFixed(4)),
      index_seconds: Number(indexSeconds.toFixed(1)),
      documents_per_second: Number((completed.length / indexSeconds).toFixed(0)),
      query_ms_p50: Number(percentile(latencies, 50).toFixed(2)),
      query_ms_p95: Number(percentile(latencies, 95).toFixed(2)),
    };
  } finally {
    await server.close();
    await database?.drop();
  }
}

const storesArgument = process.argv.indexOf('--stores');
const stores = (storesArgument > 0 ? process.argv[storesArgument + 1]! : 'sqlite,postgres').split(',') as StoreName[];
if (stores.includes('postgres')) {
  const reason = await postgresUnavailable();
  if (reason) throw new Error(`${reason}: start it or run with --stores sqlite`);
}
// `--configurations 1`: only the first chunking (one chunk per abstract).
const configurationsArgument = process.argv.indexOf('--configurations');
const runs = configurationsArgument > 0 ? RUNS.slice(0, Number(process.argv[configurationsArgument + 1])) : RUNS;
const dataset = loadDataset();
const results = [];
for (const storeName of stores) {
  for (const run of runs) {
    console.log(`indexing ${dataset.corpus.length} SciFact abstracts on ${storeName}: ${run.label} …`);
    const result = await runOnce(run, storeName, dataset);
    console.log(JSON.stringify(result));
    results.push(result);
  }
}
const best = results[0]!;
const markdown = [
  '## Retrieval quality: BEIR SciFact, full-text (BM25) only: SQLite FTS5 and PostgreSQL',
  '',
  `\`npm run bench:retrieval\` · ${dataset.corpus.length} abstracts (title + text), ${dataset.qrels.size} test queries, ingested through the upload service, job queue, parser pool, chunker and FTS5 index, queried through the chat retriever. Reference: BEIR paper BM25 0.665 nDCG@10; Anserini BM25 0.679 / R@100 0.925.`,
  '',
  '| store | configuration | nDCG@10 | Recall@100 | chunks | index time | query p50 / p95 |',
  '|---|---|---|---|---|---|---|',
  ...results.map(
    (result) =>
      `| ${result.store} | ${result.label} | **${result.ndcg_at_10.toFixed(3)}** | ${result.recall_at_100.toFixed(3)} | ${result.chunks} | ${result.index_seconds} s (${result.documents_per_second} docs/s) | ${result.query_ms_p50} / ${result.query_ms_p95} ms |`,
  ),
  '',
  `Machine: ${machine().cpus} × ${machine().cpu}, Node ${process.version}. Target ≥ 0.665 nDCG@10 on every store: ${results.every((result) => result.ndcg_at_10 >= 0.665) ? 'met' : 'NOT met'}.`,
].join('\n');
publish('retrieval', { benchmark: 'retrieval', date: new Date().toISOString(), machine: machine(), results }, markdown);
if (results.some((result) => result.ndcg_at_10 < 0.665)) process.exitCode = 1;
