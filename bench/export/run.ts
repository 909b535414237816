/**
 * `npm run bench:export`: export and import time and peak memory for a project of 1,000 small text
 * documents ingested through the real pipeline (parse, chunk, embed with the fake Ollama, index) and
 * 20 chats of 10 messages. The archive is streamed from one server to a file over HTTP, then
 * uploaded to a second server with another data dir (another machine, as far as the data goes).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startBenchServer } from '../lib/bench-server.ts';
import { machine, publish } from '../lib/report.ts';

const DOCUMENTS = 1_000;
const CHATS = 20;
const MESSAGES_PER_CHAT = 10;
const WORDS =
  'harvest orchard pollination weather tide lighthouse ledger quarterly revenue staffing outlook invoice river valley granite'.split(' ');

function documentText(index: number): string {
  const sentences: string[] = [];
  for (let line = 0; line < 25; line += 1) {
    const words = Array.from({ length: 14 }, (_, word) => WORDS[(index * 7 + line * 3 + word) % WORDS.length]);
    sentences.push(`Note ${index} line ${line}: ${words.join(' ')}.`);
  }
  return sentences.join(' ');
}

/** Samples the process's RSS while `run` runs; returns its result, the time and the peak. */
async function measured<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number; loopMaxMs: number }> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return {
      result,
      seconds: (performance.now() - started) / 1000,
      peakRssMb: Math.round(peak / 2 ** 20),
      loopMaxMs: Math.round(loop.max / 1e6),
    };
  } finally {
    clearInterval(sampler);
    loop.disable();
  }
}

const ollamaProcess = fork(new URL('../ingest/fake-ollama-process.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
const ollama = await new Promise<{ url: string }>((resolve) =>
  ollamaProcess.once('message', (message) => resolve(message as { url: string })),
);
const overrides = { OLLAMA_HOST: ollama.url, LLM_PROVIDER: 'extractive', EMBED_BACKFILL_INTERVAL_SECONDS: '0' };
const source = await startBenchServer('export-source', overrides);
const target = await startBenchServer('export-target', { ...overrides, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' });
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-bench-archive-'));
try {
  // 1. The project, through the real upload and ingestion pipeline.
  const project = await source.store.projects.create({ name: 'bench export', description: null, settings: {} });
  const ingestStarted = performance.now();
  for (let start = 0; start < DOCUMENTS; start += 100) {
    const form = new FormData();
    for (let index = start; index < Math.min(DOCUMENTS, start + 100); index += 1)
      form.append('files', new Blob([documentText(index)]), `note-${index}.txt`);
    const response = await fetch(`${source.url}/api/projects/${project.id}/documents/bulk`, { method: 'POST', body: form });
    const body = (await response.json()) as { successful: number; failed: unknown[] };
    if (body.successful !== Math.min(100, DOCUMENTS - start))
      throw new Error(`upload failed: ${JSON.stringify(body.failed).slice(0, 300)}`);
  }
  await source.ingestRunner.whenIdle();
  const ingestSeconds = (performance.now() - ingestStarted) / 1000;
  for (let chat = 0; chat < CHATS; chat += 1) {
    const record = await source.store.chats.create({ projectId: project.id, title: `Chat ${chat}`, titleIsCustom: true });
    for (let message = 0; message < MESSAGES_PER_CHAT; message += 1) {
      await source.store.messages.create({
        chatId: record.id,
        role: message % 2 ? 'assistant' : 'user',
        content: documentText(chat * 100 + message),
        status: 'complete',
      });
    }
  }
  const statistics = await source.store.projects.statistics(project.id);
  const index = await source.store.vectors.activeIndex(project.id);
  if (!index) throw new Error('the project has no vector index');
  const vectors = await source.store.vectors.countVectors(index.id);

  // 2. Export: streamed over HTTP into a file.
  const archivePath = path.join(workDir, 'project.daa.zip');
  const exported = await measured(async () => {
    const response = await fetch(`${source.url}/api/projects/${project.id}/export`);
    if (!response.ok || !response.body) throw new Error(`export failed: ${response.status}`);
    await pipeline(Readable.fromWeb(response.body as never), fs.createWriteStream(archivePath));
  });
  const archiveMb = fs.statSync(archivePath).size / 2 ** 20;

  // 3. Import: the file streamed from disk as a multipart upload to the other server.
  const imported = await measured(async () => {
    const form = new FormData();
    form.append('file', await fs.openAsBlob(archivePath, { type: 'application/zip' }), 'project.daa.zip');
    const response = await fetch(`${target.url}/api/projects/import`, { method: 'POST', body: form });
    const body = (await response.json()) as { id?: number; detail?: string };
    if (response.status !== 201) throw new Error(`import failed: ${response.status} ${body.detail}`);
    return body.id!;
  });
  const copy = await target.store.projects.statistics(imported.result);
  const copyIndex = await target.store.vectors.activeIndex(imported.result);
  const copyVectors = copyIndex ? await target.store.vectors.countVectors(copyIndex.id) : 0;
  if (
    copy.documentCount !== statistics.documentCount ||
    copy.totalChunks !== statistics.totalChunks ||
    copy.messageCount !== statistics.messageCount ||
    copyVectors !== vectors
  ) {
    throw new Error(`the import differs: ${JSON.stringify({ statistics, copy, vectors, copyVectors })}`);
  }

  const result = {
    benchmark: 'export',
    date: new Date().toISOString(),
    machine: machine(),
    documents: statistics.documentCount,
    chunks: statistics.totalChunks,
    vectors,
    dimensions: index.dimensions,
    messages: statistics.messageCount,
    documents_megabytes: Number((statistics.totalSizeBytes / 2 ** 20).toFixed(2)),
    archive_megabytes: Number(archiveMb.toFixed(2)),
    ingest_seconds: Number(ingestSeconds.toFixed(1)),
    export: { seconds: Number(exported.seconds.toFixed(2)), peak_rss_mb: exported.peakRssMb, event_loop_max_ms: exported.loopMaxMs },
    import: { seconds: Number(imported.seconds.toFixed(2)), peak_rss_mb: imported.peakRssMb, event_loop_max_ms: imported.loopMaxMs },
    rss_before_mb: Math.round(process.memoryUsage.rss() / 2 ** 20),
  };
  const markdown = [
    '## Project export / import',
    '',
    `\`npm run bench:export\` · one project of ${result.documents} text documents (${result.documents_megabytes} MB) ingested through the real pipeline (${result.chunks} chunks, ${result.vectors} vectors of ${result.dimensions} dimensions from the fake Ollama) and ${result.messages} chat messages. Export: \`GET /api/projects/{id}/export\` streamed to a file; import: that file uploaded to \`POST /api/projects/import\` of a second server with its own data dir. Both servers run in the bench process, so the RSS is the whole process (both servers).`,
    '',
    '| step | time | peak RSS (MB) | event-loop max (ms) |',
    '|---|---|---|---|',
    `| export (${result.archive_megabytes} MB zip) | **${result.export.seconds} s** | ${result.export.peak_rss_mb} | ${result.export.event_loop_max_ms} |`,
    `| import (checked, then written in short batches) | **${result.import.seconds} s** | ${result.import.peak_rss_mb} | ${result.import.event_loop_max_ms} |`,
    '',
    `Machine: ${result.machine.cpus} × ${result.machine.cpu}, Node ${process.version}. The import writes in short batches into a hidden project (before: one transaction, event-loop max 1,141–1,898 ms).`,
  ].join('\n');
  publish('export', result, markdown);
} finally {
  await source.close();
  await target.close();
  fs.rmSync(workDir, { recursive: true, force: true });
  ollamaProcess.disconnect();
}
