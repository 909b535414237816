/**
 * `npm run bench:ingest`: pages per second for a batch of generated multi-page documents uploaded
 * over HTTP and ingested end to end (parse + chunk + embed with the fake Ollama + full-text and
 * vector index), and the event loop's delay while that runs (target: p99 under 50 ms).
 *
 * Second phase, a big database: a project pre-filled through the store with 200k chunks (vectors of
 * 768 floats in an active index; `BENCH_LARGE_CHUNKS` changes the size), then the same batch is
 * ingested into another project while the embedding backfill scans and the big project is hard
 * deleted over REST, with the event loop's delay measured over all of it.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startBenchServer } from '../lib/bench-server.ts';
import { makeDocx, makePdf, makeXlsx } from '../../test/support/document-fixtures.ts';
import { machine, publish } from '../lib/report.ts';
import { fillLargeProject } from './large-project.ts';

interface BenchFile {
  filename: string;
  content: Buffer;
  /** Pages (PDF), or page-sized parts for the formats without pages. */
  pages: number;
  kind: string;
}

const WORDS =
  'harvest orchard pollination weather tide lighthouse ledger quarterly revenue staffing outlook invoice river valley granite'.split(' ');

function pageText(file: number, page: number): string {
  const sentences: string[] = [];
  for (let index = 0; index < 30; index += 1) {
    const words = Array.from({ length: 14 }, (_, word) => WORDS[(file * 7 + page * 13 + index * 3 + word) % WORDS.length]);
    sentences.push(`File ${file} page ${page} line ${index}: ${words.join(' ')}.`);
  }
  return sentences.join(' ');
}

/**
 * The batch: real files made by the same generators the tests use. PDF pages are real pages; a DOCX
 * section and 50 spreadsheet rows count as one page each (about a page of text).
 */
async function makeBatch(): Promise<BenchFile[]> {
  const files: BenchFile[] = [];
  for (let file = 0; file < 40; file += 1) {
    const pages = Array.from({ length: 25 }, (_, page) => pageText(file, page + 1));
    files.push({ filename: `report-${file}.pdf`, content: await makePdf(pages), pages: pages.length, kind: 'PDF (25 pages)' });
  }
  for (let file = 0; file < 8; file += 1) {
    const sections = Array.from({ length: 10 }, (_, page) => ({
      heading: `Section ${page + 1}`,
      paragraphs: [pageText(100 + file, page + 1)],
    }));
    files.push({
      filename: `handbook-${file}.docx`,
      content: await makeDocx(sections),
      pages: sections.length,
      kind: 'DOCX (10 sections)',
    });
  }
  for (let file = 0; file < 8; file += 1) {
    const rows: (string | number)[][] = [
      ['id', 'region', 'product', 'amount'],
      ...Array.from({ length: 500 }, (_, row) => [row + 1, WORDS[row % WORDS.length]!, `item-${file}-${row}`, (row * 37) % 1000]),
    ];
    files.push({
      filename: `ledger-${file}.xlsx`,
      content: await makeXlsx([{ name: 'Ledger', rows }]),
      pages: 10,
      kind: 'XLSX (500 rows)',
    });
  }
  return files;
}

const ollamaProcess = fork(new URL('./fake-ollama-process.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
const ollama = await new Promise<{ url: string }>((resolve) =>
  ollamaProcess.once('message', (message) => resolve(message as { url: string })),
);
const embedRequests = () =>
  new Promise<number>((resolve) => {
    ollamaProcess.once('message', (message) => resolve((message as { embedRequests: number }).embedRequests));
    ollamaProcess.send('count');
  });
const server = await startBenchServer('ingest', { OLLAMA_HOST: ollama.url, LLM_PROVIDER: 'extractive' });
const { config } = server;
/** Uploads the batch in bulk requests of 8 and waits until every job is done. */
async function ingestBatch(batch: BenchFile[], projectId: number): Promise<void> {
  for (let start = 0; start < batch.length; start += 8) {
    const form = new FormData();
    for (const file of batch.slice(start, start + 8)) form.append('files', new Blob([new Uint8Array(file.content)]), file.filename);
    const response = await fetch(`${server.url}/api/projects/${projectId}/documents/bulk`, { method: 'POST', body: form });
    const body = (await response.json()) as { successful: number; failed: unknown[] };
    if (body.successful !== Math.min(8, batch.length - start)) throw new Error(`upload failed: ${JSON.stringify(body.failed)}`);
  }
  await server.ingestRunner.whenIdle();
}

const milliseconds = (nanoseconds: number) => Number((nanoseconds / 1e6).toFixed(1));
function loopDelay(monitor: ReturnType<typeof monitorEventLoopDelay>) {
  return { p50: milliseconds(monitor.percentile(50)), p99: milliseconds(monitor.percentile(99)), max: milliseconds(monitor.max) };
}
const timed = async <T>(work: () => Promise<T>): Promise<number> => {
  const started = performance.now();
  await work();
  return Number(((performance.now() - started) / 1000).toFixed(2));
};

/** Peak resident memory of this process (server, its worker threads and the bench), sampled. */
function watchRss(): { stop: () => number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 25);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage.rss()) / 2 ** 20);
    },
  };
}

/**
 * Wall time the documents spent in each stage (summed over documents, so with two in flight the sum
 * can exceed the elapsed time): a stage ends when the document's next progress event names another.
 */
function watchStages() {
  const totals: Record<string, number> = {};
  const current = new Map<number, { stage: string; since: number }>();
  const stop = server.events.subscribe((event) => {
    if (event.type !== 'documentProgress') return;
    const now = performance.now();
    const previous = current.get(event.documentId);
    if (previous && previous.stage !== event.stage) totals[previous.stage] = (totals[previous.stage] ?? 0) + now - previous.since;
    if (event.stage === 'completed' || event.stage === 'failed') current.delete(event.documentId);
    else if (!previous || previous.stage !== event.stage) current.set(event.documentId, { stage: event.stage, since: now });
  });
  return () => {
    stop();
    return Object.fromEntries(Object.entries(totals).map(([stage, ms]) => [stage, Number((ms / 1000).toFixed(2))]));
  };
}

/** With BENCH_PROFILE_MARKS=1, prints the monotonic clock (µs, the clock of --cpu-prof) at a phase's edges. */
function mark(label: string): void {
  if (process.env.BENCH_PROFILE_MARKS) console.error(`mark ${label} ${process.hrtime.bigint() / 1000n}`);
}

const loadBefore = os.loadavg()[0]!;
try {
  const batch = await makeBatch();
  const project = await server.store.projects.create({ name: 'bench', description: null, settings: {} });
  const monitor = monitorEventLoopDelay({ resolution: 10 });
  const embedCallsBefore = await embedRequests();
  const stopStages = watchStages();
  const rss = watchRss();
  monitor.enable();
  mark('phase1-start');
  const started = performance.now();
  await ingestBatch(batch, project.id);
  const seconds = (performance.now() - started) / 1000;
  mark('phase1-end');
  monitor.disable();
  const rssPeakMb = rss.stop();
  const stageSeconds = stopStages();

  const documents = await server.store.documents.list({ projectId: project.id, skip: 0, limit: 10_000 });
  const failed = documents.filter((document) => document.status !== 'completed');
  if (failed.length > 0) throw new Error(`${failed.length} documents did not complete: ${failed[0]!.errorMessage}`);
  const pages = batch.reduce((sum, file) => sum + file.pages, 0);
  const chunks = documents.reduce((sum, document) => sum + document.chunkCount, 0);
  const bytes = batch.reduce((sum, file) => sum + file.content.length, 0);
  const embedRequestsUsed = (await embedRequests()) - embedCallsBefore;

  // Phase 2: the same batch next to a project of 200k chunks, with a backfill scan and its purge.
  const largeChunks = Number(process.env.BENCH_LARGE_CHUNKS ?? 200_000);
  const chunksPerDocument = 1_000;
  const fillStarted = performance.now();
  const large = await fillLargeProject({
    store: server.store,
    name: 'bench-large',
    documents: Math.ceil(largeChunks / chunksPerDocument),
    chunksPerDocument,
    dimensions: 768,
  });
  const fillSeconds = Number(((performance.now() - fillStarted) / 1000).toFixed(1));
  const second = await server.store.projects.create({ name: 'bench-next-to-large', description: null, settings: {} });
  const largeMonitor = monitorEventLoopDelay({ resolution: 10 });
  const largeRss = watchRss();
  largeMonitor.enable();
  mark('phase2-start');
  const largeStarted = performance.now();
  const [ingestSeconds, backfillSeconds] = await Promise.all([
    timed(() => ingestBatch(batch, second.id)),
    timed(() => server.embeddingBackfill.check()),
  ]);
  const deleteSeconds = await timed(async () => {
    const response = await fetch(`${server.url}/api/projects/${large.projectId}?hard_delete=true`, { method: 'DELETE' });
    if (response.status !== 204) throw new Error(`hard delete answered ${response.status}`);
  });
  const largeSeconds = (performance.now() - largeStarted) / 1000;
  mark('phase2-end');
  largeMonitor.disable();
  const largeRssPeakMb = largeRss.stop();

  const result = {
    benchmark: 'ingest',
    date: new Date().toISOString(),
    machine: machine(),
    /** This machine is shared: the 1-minute load average before and after says how much. */
    load_average: [Number(loadBefore.toFixed(1)), Number(os.loadavg()[0]!.toFixed(1))],
    files: batch.length,
    kinds: [...new Set(batch.map((file) => file.kind))],
    pages,
    chunks,
    megabytes: Number((bytes / 2 ** 20).toFixed(2)),
    seconds: Number(seconds.toFixed(2)),
    pages_per_second: Number((pages / seconds).toFixed(1)),
    chunks_per_second: Number((chunks / seconds).toFixed(1)),
    embed_requests: embedRequestsUsed,
    event_loop_delay_ms: loopDelay(monitor),
    /** Peak RSS of the whole process (server with its worker threads, and the bench's own heap). */
    rss_peak_mb: rssPeakMb,
    /** Document-seconds in each stage, summed over documents (two run at a time). */
    stage_seconds: stageSeconds,
    large_database: {
      chunks: large.chunks,
      dimensions: 768,
      fill_seconds: fillSeconds,
      ingest_seconds: ingestSeconds,
      ingest_pages_per_second: Number((pages / ingestSeconds).toFixed(1)),
      backfill_scan_seconds: backfillSeconds,
      hard_delete_seconds: deleteSeconds,
      seconds: Number(largeSeconds.toFixed(2)),
      event_loop_delay_ms: loopDelay(largeMonitor),
      rss_peak_mb: largeRssPeakMb,
    },
    settings: { INGEST_WORKERS: config.INGEST_WORKERS, EMBED_BATCH_SIZE: config.EMBED_BATCH_SIZE, chunk_size: 1000, chunk_overlap: 200 },
  };
  const big = result.large_database;
  const markdown = [
    '## Ingestion throughput and event-loop delay',
    '',
    `\`npm run bench:ingest\` · ${result.files} files (${result.kinds.join(', ')}), uploaded over HTTP in bulk requests and ingested end to end: parse in worker threads, chunk (1000/200), embed (fake Ollama \`/api/embed\` in its own process, batches of ${result.settings.EMBED_BATCH_SIZE}), full-text + vector index. ${result.settings.INGEST_WORKERS} ingestion workers.`,
    '',
    '| pages | chunks | time | pages/s | chunks/s | event-loop delay p50 / p99 / max | RSS peak |',
    '|---|---|---|---|---|---|---|',
    `| ${pages} | ${chunks} | ${result.seconds} s | **${result.pages_per_second}** | ${result.chunks_per_second} | ${result.event_loop_delay_ms.p50} / **${result.event_loop_delay_ms.p99}** / ${result.event_loop_delay_ms.max} ms | ${result.rss_peak_mb} MB |`,
    '',
    `Document-seconds per stage (summed over documents in flight): ${Object.entries(result.stage_seconds)
      .map(([stage, seconds]) => `${stage} ${seconds} s`)
      .join(', ')}.`,
    '',
    `### Next to a project of ${big.chunks.toLocaleString('en-US')} chunks`,
    '',
    `A project pre-filled through the store with ${big.chunks.toLocaleString('en-US')} chunks (full-text indexed, ${big.dimensions}-float vectors in an active index; ${big.fill_seconds} s to fill). Then, measured together: the same batch ingested into another project, an embedding-backfill scan of every project (an indexed read of the vector backlog), and a hard delete of the big project over REST (its rows go in short pages, its vec0 table is dropped on the store's background connection).`,
    '',
    '| ingest (pages/s) | backfill scan | hard delete | event-loop delay p50 / p99 / max | RSS peak |',
    '|---|---|---|---|---|',
    `| ${big.ingest_seconds} s (${big.ingest_pages_per_second}) | ${big.backfill_scan_seconds} s | ${big.hard_delete_seconds} s | ${big.event_loop_delay_ms.p50} / **${big.event_loop_delay_ms.p99}** / ${big.event_loop_delay_ms.max} ms | ${big.rss_peak_mb} MB |`,
    '',
    `Machine: ${result.machine.cpus} × ${result.machine.cpu}, Node ${process.version}, 1-minute load average ${result.load_average.join(' → ')}. Target p99 < 50 ms: ${result.event_loop_delay_ms.p99 < 50 ? 'met' : 'NOT met'} (small database), ${big.event_loop_delay_ms.p99 < 50 ? 'met' : 'NOT met'} (big database).`,
  ].join('\n');
  publish('ingest', result, markdown);
} finally {
  await server.close();
  ollamaProcess.disconnect();
}
