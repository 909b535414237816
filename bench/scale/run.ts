/**
 * `npm run bench:scale [-- --sizes 10k,100k,1m --queries 50]`: one project of N chunks per size in a
 * fresh SQLite store (synthetic text drawn from SciFact's real word frequencies, ~120 words a chunk
 * around one of N/200 topics; fake 768-d embeddings: the topic's direction plus noise), then BM25,
 * KNN and hybrid (both + RRF) top-40 p50 / p99 through the store, KNN recall@10 against the exact
 * sqlite-vec scan (the previous path, timed in the same run as the reference), the HNSW build time,
 * disk, memory, the event loop's delay while queries run, and restart to a served /health. Writes
 * bench/results/scale.json and its section of bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { startServer } from '../../src/server/app-server.ts';
import { loadConfig } from '../../src/server/config.ts';
import { fullTextExpression } from '../../src/server/store/full-text-terms.ts';
import { reciprocalRankFusion } from '../../src/server/search/reciprocal-rank-fusion.ts';
import { createSqliteStore, type SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { searchVectors } from '../../src/server/store/sqlite/vector-search.ts';
import { machine, markdownTable, publish, repositoryRoot } from '../lib/report.ts';
import { percentile, round } from '../lib/stats.ts';

const DIMENSIONS = 768;
const LIMIT = 40;
const CHUNKS_PER_DOCUMENT = 1_000;

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}
const sizes = argument('sizes', '10k,100k')
  .split(',')
  .map((size) => Math.round(Number.parseFloat(size) * (/m$/i.test(size) ? 1e6 : /k$/i.test(size) ? 1e3 : 1)));
const queryCount = Number(argument('queries', '50'));
/** `--fts-only`: chunks and full text only (no vectors, KNN, hybrid or restart), so 1M builds in minutes. */
const ftsOnly = process.argv.includes('--fts-only');
/** `--keep DIR`: build each size's store in DIR/<size> once and keep it; a later run reuses it (full text only). */
const keepDir = argument('keep', '');

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** SciFact's word frequencies: a real, Zipf-shaped vocabulary (a synthetic Zipf list if the data set is absent). */
function vocabulary(): { words: string[]; cumulative: Float64Array } {
  const file = path.resolve(repositoryRoot, '../shared/datasets/scifact/corpus.jsonl.gz');
  const counts = new Map<string, number>();
  if (fs.existsSync(file)) {
    for (const line of zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n')) {
      if (!line) continue;
      const { title, text } = JSON.parse(line) as { title: string; text: string };
      for (const word of `${title} ${text}`.toLowerCase().match(/[a-z][a-z-]{1,}/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  } else {
    for (let rank = 1; rank <= 30_000; rank += 1) counts.set(`w${rank.toString(36)}`, Math.max(1, Math.round(1e6 / rank)));
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const cumulative = new Float64Array(sorted.length);
  let total = 0;
  sorted.forEach(([, count], i) => {
    total += count;
    cumulative[i] = total;
  });
  for (let i = 0; i < cumulative.length; i += 1) cumulative[i]! /= total;
  return { words: sorted.map(([word]) => word), cumulative };
}

function corpus(size: number, seed: number) {
  const next = random(seed);
  const { words, cumulative } = vocabulary();
  const sample = () => {
    const u = next();
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < u) low = mid + 1;
      else high = mid;
    }
    return words[low]!;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const topics = Math.max(20, Math.round(size / 200));
  const topicWords = Array.from({ length: topics }, () =>
    Array.from({ length: 30 }, () => words[200 + Math.floor(next() * Math.min(20_000, words.length - 200))]!),
  );
  const centres = Array.from({ length: topics }, () => {
    const centre = Float32Array.from({ length: DIMENSIONS }, gauss);
    return normalize(centre);
  });
  const embedding = (topic: number) => {
    const centre = centres[topic]!;
    const vector = new Float32Array(DIMENSIONS);
    for (let i = 0; i < DIMENSIONS; i += 1) vector[i] = centre[i]! + gauss() * 0.05;
    return normalize(vector);
  };
  const chunk = () => {
    const topic = Math.floor(next() * topics);
    const text: string[] = [];
    for (let i = 0; i < 100; i += 1) text.push(sample());
    for (let i = 0; i < 20; i += 1) text.push(topicWords[topic]![Math.floor(next() * 30)]!);
    return { content: text.join(' '), embedding: embedding(topic) };
  };
  const query = () => {
    const topic = Math.floor(next() * topics);
    const text = [0, 1, 2, 3].map(() => topicWords[topic]![Math.floor(next() * 30)]!);
    text.push(sample(), sample());
    return { text: text.join(' '), embedding: embedding(topic) };
  };
  return { chunk, query };
}

function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  for (let i = 0; i < vector.length; i += 1) vector[i]! /= norm;
  return vector;
}

function duSync(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(target).reduce((sum, name) => sum + duSync(path.join(target, name)), 0);
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function waitForIndex(store: SqliteStore, vectors: number): Promise<void> {
  for (;;) {
    const stats = await store.vectorIndexStats!();
    if (stats && stats.indexes === 1 && stats.building === 0 && stats.vectors === vectors && stats.fileBytes > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** One project of `size` chunks with full text only, built once into `dataDir` (reused when already there). */
async function buildFullText(size: number, dataDir: string): Promise<{ store: SqliteStore; projectId: number; ingestMs: number }> {
  const filePath = path.join(dataDir, 'daa.sqlite');
  const done = path.join(dataDir, 'built');
  if (!fs.existsSync(done)) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const store = createSqliteStore({ filePath });
  if (fs.existsSync(done)) return { store, projectId: Number(fs.readFileSync(done, 'utf8')), ingestMs: Number.NaN };
  const data = corpus(size, size);
  const { id: projectId } = await store.projects.create({ name: 'scale', description: null, settings: {} });
  const started = performance.now();
  for (let first = 0; first < size; first += CHUNKS_PER_DOCUMENT) {
    const count = Math.min(CHUNKS_PER_DOCUMENT, size - first);
    const chunks = Array.from({ length: count }, data.chunk);
    const document = await store.documents.create({
      projectId,
      filename: `doc-${first}.txt`,
      fileType: 'txt',
      mimeType: 'text/plain',
      fileSize: 1,
      storedName: `doc-${first}.txt`,
      contentHash: `doc-${first}`,
    });
    await store.chunks.indexDocument({
      documentId: document.id,
      chunks: chunks.map((chunk, chunkIndex) => ({ chunkIndex, content: chunk.content, startChar: 0, endChar: chunk.content.length })),
      pageCount: null,
      wordCount: count * 120,
      parsedMetadata: {},
    });
    await store.documents.setProgress(document.id, { status: 'completed', stage: 'completed', progress: 100 });
    if ((first / CHUNKS_PER_DOCUMENT) % 100 === 99) console.log(`  ${first + count} chunks written`);
  }
  const ingestMs = performance.now() - started;
  fs.writeFileSync(done, String(projectId));
  return { store, projectId, ingestMs };
}

/**
 * Full text only: BM25 top 40 through the store, beside the previous query (FTS5's bm25() over the
 * OR of every query word, on a connection of its own) timed in the same run, and how many of its
 * top 10 / top 40 the store's answer keeps.
 */
async function runFullTextSize(size: number) {
  const dataDir = keepDir ? path.join(keepDir, String(size)) : fs.mkdtempSync(path.join(os.tmpdir(), `daa-bench-scale-${size}-`));
  const { store, projectId, ingestMs } = await buildFullText(size, dataDir);
  const queries = Array.from({ length: queryCount }, corpus(size, size).query);
  const reference = new Database(path.join(dataDir, 'daa.sqlite'), { readonly: true });
  const previous = reference.prepare<[string, number, number], { id: number }>(
    `SELECT c.id FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
     WHERE chunks_fts MATCH ? AND c.project_id = ? ORDER BY bm25(chunks_fts) LIMIT ?`,
  );
  const previousMs: number[] = [];
  const expected = queries.map((query) => {
    const expression = fullTextExpression(query.text)!;
    const started = performance.now();
    const ids = previous.all(expression, projectId, LIMIT).map((row) => row.id);
    previousMs.push(performance.now() - started);
    return ids;
  });
  reference.close();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const bm25: number[] = [];
  let kept10 = 0;
  let kept40 = 0;
  for (const [i, query] of queries.entries()) {
    const hits = await timed(() => store.chunks.searchFullText({ projectId, query: query.text, limit: LIMIT }));
    bm25.push(hits.ms);
    const got = new Set(hits.value.map((hit) => hit.chunkId));
    kept10 += expected[i]!.slice(0, 10).filter((id) => got.has(id)).length / Math.min(10, Math.max(1, expected[i]!.length));
    kept40 += expected[i]!.filter((id) => got.has(id)).length / Math.max(1, expected[i]!.length);
  }
  loop.disable();
  // The burst: every query at once, as many chats asking together would.
  const burst = monitorEventLoopDelay({ resolution: 1 });
  burst.enable();
  const burstMs = await timed(() =>
    Promise.all(queries.map((query) => store.chunks.searchFullText({ projectId, query: query.text, limit: LIMIT }))),
  );
  burst.disable();
  await store.close();
  const databaseMb = round((duSync(path.join(dataDir, 'daa.sqlite')) + duSync(path.join(dataDir, 'daa.sqlite-wal'))) / 2 ** 20, 0);
  if (!keepDir) fs.rmSync(dataDir, { recursive: true, force: true });
  return {
    chunks: size,
    ingest_s: round(ingestMs / 1000, 1),
    bm25_p50_ms: round(percentile(bm25, 50), 1),
    bm25_p99_ms: round(percentile(bm25, 99), 1),
    previous_reference_p50_ms: round(percentile(previousMs, 50), 1),
    previous_reference_p99_ms: round(percentile(previousMs, 99), 1),
    top10_kept: round(kept10 / queries.length, 3),
    top40_kept: round(kept40 / queries.length, 3),
    event_loop_delay_p99_ms: round(loop.percentile(99) / 1e6, 1),
    burst_total_ms: round(burstMs.ms, 0),
    burst_event_loop_delay_max_ms: round(burst.max / 1e6, 1),
    database_mb: databaseMb,
  };
}

async function runSize(size: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `daa-bench-scale-${size}-`));
  const filePath = path.join(dataDir, 'daa.sqlite');
  const store = createSqliteStore({ filePath });
  const data = corpus(size, size);
  const { id: projectId } = await store.projects.create({ name: 'scale', description: null, settings: {} });
  const index = await store.vectors.createIndex({
    projectId,
    provider: 'bench',
    model: 'fake-768',
    dimensions: DIMENSIONS,
    status: 'active',
  });

  const ingestStarted = performance.now();
  for (let first = 0; first < size; first += CHUNKS_PER_DOCUMENT) {
    const count = Math.min(CHUNKS_PER_DOCUMENT, size - first);
    const chunks = Array.from({ length: count }, data.chunk);
    const document = await store.documents.create({
      projectId,
      filename: `doc-${first}.txt`,
      fileType: 'txt',
      mimeType: 'text/plain',
      fileSize: 1,
      storedName: `doc-${first}.txt`,
      contentHash: `doc-${first}`,
    });
    const ids = (await store.chunks.indexDocument({
      documentId: document.id,
      chunks: chunks.map((chunk, chunkIndex) => ({ chunkIndex, content: chunk.content, startChar: 0, endChar: chunk.content.length })),
      pageCount: null,
      wordCount: count * 120,
      parsedMetadata: {},
    }))!;
    await store.documents.setProgress(document.id, { status: 'completed', stage: 'completed', progress: 100 });
    await store.vectors.insert({ indexId: index.id, items: ids.map((chunkId, i) => ({ chunkId, embedding: chunks[i]!.embedding })) });
    if ((first / CHUNKS_PER_DOCUMENT) % 100 === 99) console.log(`  ${first + count} chunks written`);
  }
  const ingestMs = performance.now() - ingestStarted;

  const queries = Array.from({ length: queryCount }, data.query);
  // The first search starts the HNSW build (answered exactly meanwhile).
  const build = await timed(async () => {
    await store.vectors.search({ indexId: index.id, embedding: queries[0]!.embedding, limit: LIMIT });
    await waitForIndex(store, size);
  });

  // The reference: the exact sqlite-vec scan (the previous path), on a connection of its own in this thread.
  const exactDb = new Database(filePath, { readonly: true });
  sqliteVec.load(exactDb);
  const exact = queries.map((query) => {
    const started = performance.now();
    const matches = searchVectors(exactDb, { indexId: index.id, embedding: query.embedding, limit: LIMIT });
    return { ms: performance.now() - started, top10: new Set(matches.slice(0, 10).map((match) => match.chunkId)) };
  });
  exactDb.close();

  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const knn: number[] = [];
  const bm25: number[] = [];
  const hybrid: number[] = [];
  let found = 0;
  for (const [i, query] of queries.entries()) {
    const vector = await timed(() => store.vectors.search({ indexId: index.id, embedding: query.embedding, limit: LIMIT }));
    knn.push(vector.ms);
    found += vector.value.slice(0, 10).filter((match) => exact[i]!.top10.has(match.chunkId)).length;
    bm25.push((await timed(() => store.chunks.searchFullText({ projectId, query: query.text, limit: LIMIT }))).ms);
    hybrid.push(
      (
        await timed(async () => {
          const [text, vectors] = await Promise.all([
            store.chunks.searchFullText({ projectId, query: query.text, limit: LIMIT }),
            store.vectors.search({ indexId: index.id, embedding: query.embedding, limit: LIMIT }),
          ]);
          return reciprocalRankFusion([text.map((hit) => hit.chunkId), vectors.map((hit) => hit.chunkId)]).slice(0, LIMIT);
        })
      ).ms,
    );
  }
  loop.disable();
  const stats = (await store.vectorIndexStats!())!;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  await store.close();
  const disk = { database: duSync(filePath) + duSync(`${filePath}-wal`), vectorIndex: duSync(path.join(dataDir, 'vector-index')) };

  // Restart: the real server on this data dir, timed to its first answered /health; then to the
  // saved HNSW index loaded (the worker loads it while the server already answers).
  const restartStarted = performance.now();
  const server = await startServer(
    loadConfig({}, { HOST: '127.0.0.1', PORT: 0, DATA_DIR: dataDir, LOG_LEVEL: 'warn', SERVE_WEB: 'false' } as never),
  );
  const health = await fetch(`${server.url}/health`);
  const restartToHealthMs = performance.now() - restartStarted;
  if (!health.ok) throw new Error(`/health answered ${health.status}`);
  let loadedMs = Number.NaN;
  for (;;) {
    const report = (await (await fetch(`${server.url}/api/health`)).json()) as { vector_index?: { indexes: number } };
    if (report.vector_index?.indexes === 1) {
      loadedMs = performance.now() - restartStarted;
      break;
    }
    if (performance.now() - restartStarted > 600_000) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });

  return {
    chunks: size,
    ingest_s: round(ingestMs / 1000, 1),
    hnsw_build_s: round(build.ms / 1000, 1),
    bm25_p50_ms: round(percentile(bm25, 50), 1),
    bm25_p99_ms: round(percentile(bm25, 99), 1),
    knn_hnsw_p50_ms: round(percentile(knn, 50), 1),
    knn_hnsw_p99_ms: round(percentile(knn, 99), 1),
    knn_exact_reference_p50_ms: round(
      percentile(
        exact.map((e) => e.ms),
        50,
      ),
      1,
    ),
    knn_exact_reference_p99_ms: round(
      percentile(
        exact.map((e) => e.ms),
        99,
      ),
      1,
    ),
    hybrid_p50_ms: round(percentile(hybrid, 50), 1),
    hybrid_p99_ms: round(percentile(hybrid, 99), 1),
    recall_at_10: round(found / (queries.length * 10), 3),
    event_loop_delay_p99_ms: round(loop.percentile(99) / 1e6, 1),
    database_mb: round(disk.database / 2 ** 20, 0),
    hnsw_file_mb: round(disk.vectorIndex / 2 ** 20, 0),
    hnsw_memory_mb_estimate: round(stats.memoryBytes / 2 ** 20, 0),
    rss_mb: round(rssMb, 0),
    restart_to_health_ms: round(restartToHealthMs, 0),
    restart_to_hnsw_loaded_ms: round(loadedMs, 0),
  };
}

const load = os.loadavg();
const rows = [];
for (const size of sizes) {
  console.log(`${size} chunks …`);
  const row = ftsOnly ? await runFullTextSize(size) : await runSize(size);
  console.log(row);
  rows.push(row);
}
const result = { machine: machine(), load_average_at_start: load.map((value) => round(value, 1)), queries: queryCount, rows };
publish(
  ftsOnly ? 'scale-full-text' : 'scale',
  result,
  `## bench:scale${ftsOnly ? ' --fts-only' : ''}\n\n${queryCount} queries per size, top ${LIMIT}; load average at start ${result.load_average_at_start.join(' / ')} on ${result.machine.cpus} cores (shared with other work).\n\n${markdownTable(rows)}`,
);
