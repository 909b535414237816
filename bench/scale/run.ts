/**
 * `npm run bench:scale [-- --sizes 10k,100k,1m --queries 50]`: one project of N chunks per size in a
 * fresh SQLite store (synthetic text drawn from SciFact's real word frequencies, ~120 words a chunk
 * around one of N/200 topics; fake 768-d embeddings: the topic's direction plus noise), then BM25,
 * KNN and hybrid (both + RRF) top-40 p50 / p99 through the store, KNN recall@10 against the exact
 * sqlite-vec scan (the previous path, timed in the same run as the reference), the HNSW build time,
 * disk, memory, the event loop's delay while queries run, and restart to a served /health (the real
 * server in a child process on the same data). Writes bench/results/scale.json and its section of
 * bench/README.md.
 *
 * `--db DIR` keeps each size's data in DIR/<size> (else a temporary directory, removed after);
 * `--reuse` measures an already-built DIR/<size> again without rebuilding it (its build figures
 * come from DIR/<size>/build.json, written when it was built).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
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
const keepDir = process.argv.includes('--db') ? path.resolve(argument('db', '')) : undefined;
const reuse = process.argv.includes('--reuse');
/** `--fts-only`: chunks and full text only (no vectors, KNN, hybrid or restart), so 1M builds in minutes. */
const ftsOnly = process.argv.includes('--fts-only');
/** `--keep DIR` (with --fts-only): build each size's full-text store in DIR/<size> once and keep it; a later run reuses it. */
const fullTextKeepDir = argument('keep', '');
/** Skips the restart measure (e.g. while the code a child process would run is being edited). */
const skipRestart = process.argv.includes('--skip-restart');
if (reuse && !keepDir) throw new Error('--reuse needs --db DIR');

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

/** Topics, chunks and queries each draw from their own generator: the queries of a reused database are the same without drawing its chunks again. */
function corpus(size: number, seed: number) {
  const { words, cumulative } = vocabulary();
  const sample = (next: () => number) => {
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
  const gauss = (next: () => number) => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const nextTopic = random(seed);
  const topics = Math.max(20, Math.round(size / 200));
  const topicWords = Array.from({ length: topics }, () =>
    Array.from({ length: 30 }, () => words[200 + Math.floor(nextTopic() * Math.min(20_000, words.length - 200))]!),
  );
  const centres = Array.from({ length: topics }, () => normalize(Float32Array.from({ length: DIMENSIONS }, () => gauss(nextTopic))));
  const embedding = (topic: number, next: () => number) => {
    const centre = centres[topic]!;
    const vector = new Float32Array(DIMENSIONS);
    for (let i = 0; i < DIMENSIONS; i += 1) vector[i] = centre[i]! + gauss(next) * 0.05;
    return normalize(vector);
  };
  let nextChunk = random(seed + 1);
  const chunk = () => {
    const topic = Math.floor(nextChunk() * topics);
    const text: string[] = [];
    for (let i = 0; i < 100; i += 1) text.push(sample(nextChunk));
    for (let i = 0; i < 20; i += 1) text.push(topicWords[topic]![Math.floor(nextChunk() * 30)]!);
    return { content: text.join(' '), embedding: embedding(topic, nextChunk) };
  };
  const nextQuery = random(seed + 2);
  const query = () => {
    const topic = Math.floor(nextQuery() * topics);
    const text = [0, 1, 2, 3].map(() => topicWords[topic]![Math.floor(nextQuery() * 30)]!);
    text.push(sample(nextQuery), sample(nextQuery));
    return { text: text.join(' '), embedding: embedding(topic, nextQuery) };
  };
  // A resumed build draws its chunks from another sequence: the first run's chunks are not written twice.
  const resumeAt = (written: number) => {
    if (written > 0) nextChunk = random(seed + 1 + written);
  };
  return { chunk, query, resumeAt };
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

/** The document row a synthetic batch of chunks starting at `first` belongs to. */
function createSyntheticDocument(store: SqliteStore, projectId: number, first: number) {
  return store.documents.create({
    projectId,
    filename: `doc-${first}.txt`,
    fileType: 'txt',
    mimeType: 'text/plain',
    fileSize: 1,
    storedName: `doc-${first}.txt`,
    contentHash: `doc-${first}`,
  });
}

async function waitForIndex(store: SqliteStore, vectors: number): Promise<void> {
  for (;;) {
    const stats = await store.vectorIndexStats!();
    if (stats && stats.indexes === 1 && stats.building === 0 && stats.vectors === vectors && stats.fileBytes > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface BuildRecord {
  projectId: number;
  indexId: number;
  ingest_s: number;
  hnsw_build_s: number;
  load_average_at_build: number[];
}

/**
 * Writes the project: one document of 1,000 chunks per transaction (chunks + full text, then
 * vectors). A build cut short (DIR/<size> without build.json) goes on from the chunks it wrote. The
 * HNSW build starts once the first 10,000 vectors are in (the store's threshold), so it runs in the
 * worker beside the writes and then catches up through the change log, as in a real bulk load.
 */
async function build(store: SqliteStore, size: number, data: ReturnType<typeof corpus>, startedAt: { ingest_s: number }) {
  const existing = store.db.prepare(`SELECT id FROM projects WHERE name = 'scale'`).get() as { id: number } | undefined;
  const projectId = existing?.id ?? (await store.projects.create({ name: 'scale', description: null, settings: {} })).id;
  const index =
    (await store.vectors.activeIndex(projectId)) ??
    (await store.vectors.createIndex({ projectId, provider: 'bench', model: 'fake-768', dimensions: DIMENSIONS, status: 'active' }));
  // The last document of a build cut short may lack its chunks or vectors: it is written again.
  const last = store.db.prepare('SELECT MAX(id) AS id FROM documents WHERE project_id = ?').get(projectId) as { id: number | null };
  if (last.id !== null) await store.documents.delete(last.id);
  const written = (store.db.prepare('SELECT COUNT(*) AS count FROM chunks WHERE project_id = ?').get(projectId) as { count: number }).count;
  const vectors = (store.db.prepare(`SELECT COUNT(*) AS count FROM vec_index_${index.id}`).get() as { count: number }).count;
  if (vectors !== written || written % CHUNKS_PER_DOCUMENT !== 0) throw new Error(`cannot resume: ${written} chunks, ${vectors} vectors`);
  data.resumeAt(written);
  let hnswStarted = false;
  const startHnsw = async () => {
    hnswStarted = true;
    await store.vectors.search({ indexId: index.id, embedding: data.query().embedding, limit: LIMIT });
  };
  const ingestStarted = performance.now() - startedAt.ingest_s * 1000;
  for (let first = written; first < size; first += CHUNKS_PER_DOCUMENT) {
    if (!hnswStarted && first >= 10_000) await startHnsw();
    const count = Math.min(CHUNKS_PER_DOCUMENT, size - first);
    const chunks = Array.from({ length: count }, data.chunk);
    const document = await createSyntheticDocument(store, projectId, first);
    const ids = (await store.chunks.indexDocument({
      documentId: document.id,
      chunks: chunks.map((chunk, chunkIndex) => ({ chunkIndex, content: chunk.content, startChar: 0, endChar: chunk.content.length })),
      pageCount: null,
      wordCount: count * 120,
      parsedMetadata: {},
    }))!;
    await store.documents.setProgress(document.id, { status: 'completed', stage: 'completed', progress: 100 });
    await store.vectors.insert({ indexId: index.id, items: ids.map((chunkId, i) => ({ chunkId, embedding: chunks[i]!.embedding })) });
    if ((first / CHUNKS_PER_DOCUMENT) % 50 === 49) {
      const stats = await store.vectorIndexStats!();
      console.log(
        `  ${first + count} chunks written (${round((performance.now() - ingestStarted) / 1000, 0)} s), HNSW holds ${stats?.vectors}`,
      );
      fs.writeFileSync(progressFile(store), JSON.stringify({ ingest_s: round((performance.now() - ingestStarted) / 1000, 1) }));
    }
  }
  const ingestMs = performance.now() - ingestStarted;
  // Whatever the index still lacks once the writes are done (answered exactly meanwhile).
  if (!hnswStarted) await startHnsw();
  const hnsw = await timed(() => waitForIndex(store, size));
  return { projectId, indexId: index.id, ingest_s: round(ingestMs / 1000, 1), hnsw_build_s: round(hnsw.ms / 1000, 1) };
}

function progressFile(store: SqliteStore): string {
  return path.join(path.dirname(store.db.name), 'progress.json');
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
    const document = await createSyntheticDocument(store, projectId, first);
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
  const dataDir = fullTextKeepDir
    ? path.join(fullTextKeepDir, String(size))
    : fs.mkdtempSync(path.join(os.tmpdir(), `daa-bench-scale-${size}-`));
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
  if (!fullTextKeepDir) fs.rmSync(dataDir, { recursive: true, force: true });
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
  const dataDir = keepDir ? path.join(keepDir, String(size)) : fs.mkdtempSync(path.join(os.tmpdir(), `daa-bench-scale-${size}-`));
  const filePath = path.join(dataDir, 'daa.sqlite');
  const buildFile = path.join(dataDir, 'build.json');
  let record: BuildRecord;
  let store: SqliteStore;
  if (reuse) {
    if (!fs.existsSync(buildFile)) throw new Error(`${dataDir} holds no finished build (build.json): run without --reuse first`);
    record = JSON.parse(fs.readFileSync(buildFile, 'utf8')) as BuildRecord;
    store = createSqliteStore({ filePath });
    // The saved index loads in the worker; the measure starts once it serves.
    await waitForIndex(store, size);
  } else {
    if (fs.existsSync(buildFile)) throw new Error(`${dataDir} is built: pass --reuse to measure it again, or remove it`);
    fs.mkdirSync(dataDir, { recursive: true });
    store = createSqliteStore({ filePath });
    const loadAtBuild = os.loadavg().map((value) => round(value, 1));
    const progress = path.join(dataDir, 'progress.json');
    const resumed = fs.existsSync(progress) ? (JSON.parse(fs.readFileSync(progress, 'utf8')) as { ingest_s: number }) : { ingest_s: 0 };
    record = { ...(await build(store, size, corpus(size, size), resumed)), load_average_at_build: loadAtBuild };
    fs.writeFileSync(buildFile, JSON.stringify(record, null, 2));
  }
  const { projectId, indexId } = record;
  const index = { id: indexId };
  const data = corpus(size, size);

  const queries = Array.from({ length: queryCount }, data.query);
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

  const restart = skipRestart ? { healthMs: Number.NaN, readyMs: Number.NaN, indexMs: Number.NaN } : await measureRestart(dataDir);
  if (!keepDir) fs.rmSync(dataDir, { recursive: true, force: true });

  return {
    chunks: size,
    load_average_at_build: record.load_average_at_build.join(' / '),
    ingest_s: record.ingest_s,
    hnsw_build_s: record.hnsw_build_s,
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
    restart_to_health_ms: restart.healthMs,
    restart_to_ready_ms: restart.readyMs,
    restart_to_hnsw_loaded_ms: restart.indexMs,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Restart: `tsx src/server/main.ts` in a child process on this data dir (as `npm start`, without
 * rebuilding the web app), timed from the spawn to its first answered /health (liveness), to
 * /api/health/ready, and to the saved HNSW index serving (/api/health's vector_index).
 */
async function measureRestart(dataDir: string) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'src/server/main.ts')], {
    cwd: repositoryRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', SERVE_WEB: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const since = () => round(performance.now() - started, 0);
  const poll = async (url: string, done: (response: Response) => Promise<boolean>): Promise<number> => {
    while (performance.now() - started < 600_000) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        if (await done(response)) return since();
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return Number.NaN;
  };
  try {
    const healthMs = await poll(`${base}/health`, async (response) => response.ok);
    const readyMs = await poll(`${base}/api/health/ready`, async (response) => response.ok);
    const indexMs = await poll(`${base}/api/health`, async (response) => {
      const report = (await response.json()) as { vector_index?: { indexes: number } };
      return report.vector_index?.indexes === 1;
    });
    return { healthMs, readyMs, indexMs };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
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
