/**
 * `npm run bench:retrieval`: every test collection (collections.ts: ../shared/datasets/* and
 * bench/retrieval/collections/*) indexed through the project's own ingestion (upload service →
 * durable job → parser pool → chunker → full-text index, and vectors from the fake Ollama's
 * bag-of-words embedder in its own process) and queried through the retriever a chat uses: full
 * text, vectors and hybrid, plus the other fusion rules on the same candidate lists, the follow-up
 * questions of test/fixtures/follow-up-questions.json, and a textbook BM25 (textbook-bm25.ts) on the
 * same documents as the reference. Prints nDCG@10, Recall@100, MRR@10 and query p50, and writes
 * bench/results/retrieval.json and its bench/README.md section.
 *
 * `--stores sqlite,postgres` (or `--store postgres`; default sqlite): PostgreSQL runs on a throw-away
 * database of TEST_POSTGRES_URL's server (default the local one). `--collections scifact,cranfield`
 * picks collections; `--no-chunked` skips the default-chunking run.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LOCAL_ACTOR } from '../../src/server/access/actor.ts';
import { DuplicateDocumentError } from '../../src/server/errors.ts';
import { retrievalQuery } from '../../src/server/search/follow-up-query.ts';
import { DEFAULT_FUSION, type FusionOptions, fuse } from '../../src/server/search/fusion.ts';
import type { RetrievalResult } from '../../src/server/search/hybrid-retriever.ts';
import type { RequestedRetrievalMode } from '../../src/server/search/retriever.ts';
import { analyzeDocument, analyzeQuery } from '../../src/server/store/text-analyzer.ts';
import { createTestDatabase, postgresUnavailable } from '../../test/support/postgres-database.ts';
import { startBenchServer } from '../lib/bench-server.ts';
import { machine, publish, repositoryRoot } from '../lib/report.ts';
import { percentile } from '../lib/stats.ts';
import { type Collection, collectionDirs, documentText, evaluate, loadCollection, type Scores } from './collections.ts';
import { TextbookBm25 } from './textbook-bm25.ts';

type StoreName = 'sqlite' | 'postgres';

const FUSIONS: Array<{ label: string; options: FusionOptions }> = [
  { label: 'RRF (k 60)', options: { method: 'rrf' } },
  { label: 'weighted RRF (full text ×2)', options: { method: 'weighted_rrf', lexicalWeight: 2 } },
  { label: 'weighted RRF (full text ×3)', options: { method: 'weighted_rrf', lexicalWeight: 3 } },
  { label: 'convex α 0.5', options: { method: 'convex', alpha: 0.5 } },
  { label: 'convex α 0.7', options: { method: 'convex', alpha: 0.7 } },
  { label: 'convex α 0.8', options: { method: 'convex', alpha: 0.8 } },
  { label: 'convex α 0.9', options: { method: 'convex', alpha: 0.9 } },
  { label: 'margin (convex α 0.5, ×1.5)', options: { method: 'margin', alpha: 0.5, margin: 1.5 } },
  { label: 'margin (convex α 0.7, ×1.5)', options: { method: 'margin', alpha: 0.7, margin: 1.5 } },
  { label: 'margin (convex α 0.8, ×1.3)', options: { method: 'margin', alpha: 0.8, margin: 1.3 } },
  { label: 'margin (convex α 0.8, ×1.15)', options: { method: 'margin', alpha: 0.8, margin: 1.15 } },
  { label: 'margin (convex α 0.9, ×1.5)', options: { method: 'margin', alpha: 0.9, margin: 1.5 } },
];

interface Row extends Scores {
  collection: string;
  store: StoreName | 'in memory';
  configuration: string;
  split: 'test' | 'train';
  query_ms_p50: number | null;
  queries: number;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
}

const stores = (argument('--stores') ?? argument('--store') ?? 'sqlite').split(',') as StoreName[];
const onlyCollections = argument('--collections')?.split(',');
const chunked = !process.argv.includes('--no-chunked');
const followUps = JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'test/fixtures/follow-up-questions.json'), 'utf8')) as {
  collection: string;
  items: Array<{ query_id: string; previous: string; question: string }>;
};

async function startFakeOllama(): Promise<{ url: string; process: ChildProcess }> {
  const child = fork(new URL('../ingest/fake-ollama-process.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
  const { url } = await new Promise<{ url: string }>((resolve) => child.once('message', (message) => resolve(message as { url: string })));
  return { url, process: child };
}

/** Ingests a collection into a fresh project through the upload service and waits until it is indexed. */
async function ingest(
  server: Awaited<ReturnType<typeof startBenchServer>>,
  collection: Collection,
  chunkSize: number,
  chunkOverlap: number,
) {
  const project = await server.store.projects.create({
    name: collection.name,
    description: null,
    settings: { chunk_size: chunkSize, chunk_overlap: chunkOverlap },
  });
  const sourceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-retrieval-'));
  const started = performance.now();
  let duplicates = 0;
  for (const document of collection.corpus) {
    const content = Buffer.from(documentText(document), 'utf8');
    const upload = path.join(sourceDir, `${document._id}.txt`);
    fs.writeFileSync(upload, content);
    // The same path an HTTP upload takes after streaming: a received temp file handed to the service.
    try {
      await server.documents.addUpload(LOCAL_ACTOR, {
        projectId: project.id,
        filename: `${document._id}.txt`,
        upload: { tempPath: upload, size: content.length, sha256: createHash('sha256').update(content).digest('hex') },
      });
    } catch (error) {
      // The same text twice is refused as a duplicate (Cranfield has a few); anything else is a failure.
      if (!(error instanceof DuplicateDocumentError)) throw error;
      duplicates += 1;
    }
  }
  await server.ingestRunner.whenIdle();
  const seconds = (performance.now() - started) / 1000;
  fs.rmSync(sourceDir, { recursive: true, force: true });
  const documents = await server.store.documents.list({ projectId: project.id, skip: 0, limit: 1_000_000 });
  const completed = documents.filter((document) => document.status === 'completed');
  // Identical texts are refused as duplicates (409); every other document must complete.
  if (completed.length === 0) throw new Error(`no document of ${collection.name} completed`);
  return {
    projectId: project.id,
    seconds,
    duplicates,
    documents: completed.length,
    chunks: completed.reduce((sum, document) => sum + document.chunkCount, 0),
    corpusIdOf: new Map(completed.map((document) => [document.id, document.filename.replace(/\.txt$/, '')])),
  };
}

async function runStore(collection: Collection, storeName: StoreName, ollamaUrl: string): Promise<{ rows: Row[]; notes: string[] }> {
  const database = storeName === 'postgres' ? await createTestDatabase() : undefined;
  const rows: Row[] = [];
  const notes: string[] = [];
  const server = await startBenchServer('retrieval', {
    OLLAMA_HOST: ollamaUrl,
    EMBEDDING_PROVIDER: 'ollama',
    LLM_PROVIDER: 'extractive',
    ...(database ? { DATABASE_URL: database.url } : {}),
  });
  try {
    console.log(`${collection.name} on ${storeName}: indexing ${collection.corpus.length} documents, one chunk each, with vectors …`);
    const indexed = await ingest(server, collection, 20_000, 0);
    notes.push(
      `${collection.name} on ${storeName}: ${indexed.documents} documents, ${indexed.chunks} chunks, indexed with vectors in ${indexed.seconds.toFixed(1)} s${indexed.duplicates ? ` (${indexed.duplicates} identical texts refused as duplicates)` : ''}`,
    );
    const chunkDocument = new Map<number, string>();
    const toCorpusIds = async (chunkIds: number[]): Promise<string[]> => {
      const unknown = chunkIds.filter((id) => !chunkDocument.has(id));
      if (unknown.length > 0) {
        for (const chunk of await server.store.chunks.findByIds(indexed.projectId, unknown)) {
          chunkDocument.set(chunk.id, indexed.corpusIdOf.get(chunk.documentId) ?? '');
        }
      }
      const ranked: string[] = [];
      for (const id of chunkIds) {
        const corpusId = chunkDocument.get(id);
        if (corpusId && !ranked.includes(corpusId)) ranked.push(corpusId);
        if (ranked.length === 100) break;
      }
      return ranked;
    };
    const search = async (query: string, mode: RequestedRetrievalMode, previousQuestion?: string) => {
      const started = performance.now();
      const result = await server.search.search({ projectId: indexed.projectId, query, limit: 100, minScore: 0, mode, previousQuestion });
      return { result, ms: performance.now() - started };
    };
    const sourceIds = (result: RetrievalResult) => result.sources.map((source) => Number(source.metadata.chunk_id));

    const splits: Array<['test' | 'train', Map<string, Map<string, number>>]> = [['test', collection.test]];
    if (collection.train) splits.push(['train', collection.train]);
    for (const [split, qrels] of splits) {
      const byMode = new Map<string, Map<string, string[]>>();
      const latencies = new Map<string, number[]>();
      const record = (label: string, queryId: string, ranked: string[], ms?: number) => {
        if (!byMode.has(label)) byMode.set(label, new Map());
        byMode.get(label)!.set(queryId, ranked);
        if (ms !== undefined) {
          if (!latencies.has(label)) latencies.set(label, []);
          latencies.get(label)!.push(ms);
        }
      };
      for (const queryId of qrels.keys()) {
        const text = collection.queries.get(queryId);
        if (text === undefined) continue;
        const fullText = await search(text, 'full_text');
        record('full text (BM25)', queryId, await toCorpusIds(sourceIds(fullText.result)), fullText.ms);
        const vector = await search(text, 'vector');
        record('vector (fake embedder)', queryId, await toCorpusIds(sourceIds(vector.result)), vector.ms);
        const hybrid = await search(text, 'hybrid');
        record(`hybrid (default: ${DEFAULT_FUSION.method})`, queryId, await toCorpusIds(sourceIds(hybrid.result)), hybrid.ms);
        for (const fusion of FUSIONS) {
          const fused = fuse(hybrid.result.lexical, hybrid.result.vector, fusion.options);
          record(`hybrid: ${fusion.label}`, queryId, await toCorpusIds(fused.map((hit) => hit.id)));
        }
      }
      for (const [label, rankings] of byMode) {
        const times = (latencies.get(label) ?? []).sort((a, b) => a - b);
        rows.push({
          collection: collection.name,
          store: storeName,
          configuration: `${label}, one chunk per document`,
          split,
          ...evaluate(rankings, qrels),
          query_ms_p50: times.length ? Number(percentile(times, 50).toFixed(2)) : null,
          queries: rankings.size,
        });
      }
    }

    if (followUps.collection === collection.name) {
      for (const mode of ['full_text', 'hybrid'] as const) {
        const alone = new Map<string, string[]>();
        const withPrevious = new Map<string, string[]>();
        const qrels = new Map<string, Map<string, number>>();
        for (const item of followUps.items) {
          const judged = collection.test.get(item.query_id) ?? collection.train?.get(item.query_id);
          if (!judged) continue;
          qrels.set(item.query_id, judged);
          alone.set(item.query_id, await toCorpusIds(sourceIds((await search(item.question, mode)).result)));
          withPrevious.set(item.query_id, await toCorpusIds(sourceIds((await search(item.question, mode, item.previous)).result)));
          if (retrievalQuery(item.question, item.previous) === item.question) notes.push(`follow-up not expanded: "${item.question}"`);
        }
        for (const [label, rankings] of [
          ['follow-up question alone', alone],
          ['follow-up with the previous turn', withPrevious],
        ] as const) {
          rows.push({
            collection: `${collection.name} follow-ups`,
            store: storeName,
            configuration: `${label} (${mode})`,
            split: 'test',
            ...evaluate(rankings, qrels),
            query_ms_p50: null,
            queries: rankings.size,
          });
        }
      }
    }
  } finally {
    await server.close();
    await database?.drop();
  }

  if (chunked) {
    const database2 = storeName === 'postgres' ? await createTestDatabase() : undefined;
    const plain = await startBenchServer('retrieval', {
      EMBEDDING_PROVIDER: 'none',
      LLM_PROVIDER: 'extractive',
      ...(database2 ? { DATABASE_URL: database2.url } : {}),
    });
    try {
      console.log(`${collection.name} on ${storeName}: indexing with the default chunking (1000/200), full text …`);
      const indexed = await ingest(plain, collection, 1000, 200);
      const rankings = new Map<string, string[]>();
      const times: number[] = [];
      for (const queryId of collection.test.keys()) {
        const text = collection.queries.get(queryId);
        if (text === undefined) continue;
        const started = performance.now();
        const sources = await plain.retriever.retrieve({ projectId: indexed.projectId, query: text, limit: 400, minScore: 0 });
        times.push(performance.now() - started);
        const ranked: string[] = [];
        for (const source of sources) {
          const corpusId = indexed.corpusIdOf.get(source.metadata.document_id) ?? '';
          if (!ranked.includes(corpusId)) ranked.push(corpusId);
          if (ranked.length === 100) break;
        }
        rankings.set(queryId, ranked);
      }
      times.sort((a, b) => a - b);
      rows.push({
        collection: collection.name,
        store: storeName,
        configuration: `full text (BM25), default chunking 1000/200 (${indexed.chunks} chunks), best chunk per document`,
        split: 'test',
        ...evaluate(rankings, collection.test),
        query_ms_p50: Number(percentile(times, 50).toFixed(2)),
        queries: rankings.size,
      });
    } finally {
      await plain.close();
      await database2?.drop();
    }
  }
  return { rows, notes };
}

/** The reference: a textbook BM25 in memory over the same documents, with the app's analyzer. */
function textbookRows(collection: Collection): Row[] {
  const bm25 = new TextbookBm25(
    collection.corpus.map((document) => ({ id: document._id, terms: analyzeDocument(documentText(document)) })),
  );
  const rows: Row[] = [];
  const splits: Array<['test' | 'train', Map<string, Map<string, number>>]> = [['test', collection.test]];
  if (collection.train) splits.push(['train', collection.train]);
  for (const [split, qrels] of splits) {
    const rankings = new Map<string, string[]>();
    const times: number[] = [];
    for (const queryId of qrels.keys()) {
      const text = collection.queries.get(queryId);
      if (text === undefined) continue;
      const started = performance.now();
      rankings.set(queryId, bm25.search(analyzeQuery(text), 100));
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    rows.push({
      collection: collection.name,
      store: 'in memory',
      configuration: 'reference: textbook BM25 (Snowball, k1 1.2, b 0.75), one document each',
      split,
      ...evaluate(rankings, qrels),
      query_ms_p50: Number(percentile(times, 50).toFixed(2)),
      queries: rankings.size,
    });
  }
  return rows;
}

if (stores.includes('postgres')) {
  const reason = await postgresUnavailable();
  if (reason) throw new Error(`${reason}: start it or run with --stores sqlite`);
}
const collections = collectionDirs()
  .map(loadCollection)
  .filter((collection) => !onlyCollections || onlyCollections.includes(collection.name));
const ollama = await startFakeOllama();
const rows: Row[] = [];
const notes: string[] = [];
const loadBefore = os.loadavg()[0]!;
try {
  for (const collection of collections) {
    rows.push(...textbookRows(collection));
    for (const storeName of stores) {
      const result = await runStore(collection, storeName, ollama.url);
      rows.push(...result.rows);
      notes.push(...result.notes);
      for (const row of result.rows) console.log(JSON.stringify(row));
    }
  }
} finally {
  ollama.process.disconnect();
}
const loadAfter = os.loadavg()[0]!;

const table = (split: 'test' | 'train') => [
  '| collection | store | configuration | nDCG@10 | Recall@100 | MRR@10 | query p50 |',
  '|---|---|---|---|---|---|---|',
  ...rows
    .filter((row) => row.split === split)
    .map(
      (row) =>
        `| ${row.collection} | ${row.store} | ${row.configuration} | **${row.ndcg_at_10.toFixed(3)}** | ${row.recall_at_100.toFixed(3)} | ${row.mrr_at_10.toFixed(3)} | ${row.query_ms_p50 === null ? '–' : `${row.query_ms_p50} ms`} |`,
    ),
];
const markdown = [
  '## Retrieval quality: every collection, full text, vectors, hybrid',
  '',
  `\`npm run bench:retrieval\` · collections: ${collections.map((collection) => `${collection.name} (${collection.corpus.length} documents, ${collection.test.size} test queries; published BM25: ${collection.published})`).join('; ')}. Ingested through the upload service, job queue, parser pool, chunker and the store's full-text index, with vectors from the fake Ollama's bag-of-words embedder (no real embedder is reachable here); queried through the chat retriever. Fusion rules other than the default are applied to the same candidate lists.`,
  '',
  '### Test splits',
  '',
  ...table('test'),
  '',
  ...(rows.some((row) => row.split === 'train')
    ? ['### Train splits (where a collection has one: fusion and parameters are chosen here)', '', ...table('train'), '']
    : []),
  ...notes.map((note) => `- ${note}`),
  '',
  `Machine: ${machine().cpus} × ${machine().cpu}, Node ${process.version}, 1-minute load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} (shared with other work).`,
].join('\n');
publish('retrieval', { benchmark: 'retrieval', date: new Date().toISOString(), machine: machine(), rows, notes }, markdown);
