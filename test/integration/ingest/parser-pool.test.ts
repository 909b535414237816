import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createParserPool, type ParseProgress, type ParserPool } from '../../../src/server/ingest/parser-pool.ts';
import { DocumentParseError } from '../../../src/server/ingest/parsed-document.ts';
import { makePdf } from '../../support/document-fixtures.ts';
import { createTempDir } from '../../support/temp-files.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const misbehavingWorker = new URL('../../support/parse-workers/misbehaving-parse-worker.ts', import.meta.url);
const announcingWorker = new URL('../../support/parse-workers/announcing-parse-worker.ts', import.meta.url);
const temp = createTempDir();

/** Polls until `check` holds (workers start on their own threads, in their own time). */
async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const pools: ParserPool[] = [];

function pool(options: Partial<Parameters<typeof createParserPool>[0]> = {}): ParserPool {
  const created = createParserPool({ size: 1, timeoutMs: 20_000, maxMemoryMb: 256, ...options });
  pools.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.close()));
});
afterAll(() => temp.remove());

let goodPdf: string | undefined;
async function goodRequest() {
  goodPdf ??= temp.write('good.pdf', await makePdf(['A healthy page.', 'Another healthy page.']));
  return { filePath: goodPdf, fileType: 'pdf' as const, filename: 'good.pdf', chunkSize: 500, chunkOverlap: 50 };
}

/** A request the misbehaving worker turns into a hang or a memory hog (the file itself is fine). */
async function badRequest(behaviour: 'hang' | 'eat-memory') {
  return { ...(await goodRequest()), filename: behaviour };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('parser pool', () => {
  it('parses in a worker and forwards progress in order, coalesced', async () => {
    const parser = pool();
    const pdf = temp.write('five.pdf', await makePdf(['one', 'two', 'three', 'four', 'five']));
    const progress: ParseProgress[] = [];
    const result = await parser.process(
      { filePath: pdf, fileType: 'pdf', filename: 'five.pdf', chunkSize: 500, chunkOverlap: 0 },
      { onProgress: (update) => progress.push(update) },
    );
    expect(result.chunks.map((chunk) => [chunk.page, chunk.content])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
      [4, 'four'],
      [5, 'five'],
    ]);
    expect(result.parsed.pageCount).toBe(5);
    // The worker sends at most one page update per 50 ms, but always the first, the last and a stage change.
    const pages = progress.slice(0, -1).map((update) => update.pagesDone);
    expect(pages[0]).toBe(0);
    expect(pages.at(-1)).toBe(5);
    expect(pages).toEqual([...pages].sort((a, b) => a! - b!));
    expect(progress.at(-1)).toEqual({ stage: 'chunking' });
  });

  it('stops a parser that hangs at the time limit, then parses the next file', async () => {
    const parser = pool({ timeoutMs: 1_500, workerEntry: misbehavingWorker });
    let started = false;
    const error = await rejection(parser.process(await badRequest('hang'), { onProgress: () => (started = true) }));
    expect(started).toBe(true);
    expect(error).toBeInstanceOf(DocumentParseError);
    expect(error).toMatchObject({ reason: 'timeout', message: 'Parsing took longer than 2 s and was stopped' });
    const next = await parser.process(await goodRequest());
    expect(next.chunks.map((chunk) => chunk.page)).toEqual([1, 2]);
  });

  it('stops a parser that runs out of memory, then parses the next file', async () => {
    // Enough for PDFium's own heap (about 35 MB with the worker) and little more.
    const parser = pool({ maxMemoryMb: 64, workerEntry: misbehavingWorker });
    const error = await rejection(parser.process(await badRequest('eat-memory')));
    expect(error).toBeInstanceOf(DocumentParseError);
    expect(error).toMatchObject({ reason: 'memory' });
    expect((error as Error).message).toContain('64 MB');
    const next = await parser.process(await goodRequest());
    expect(next.chunks).toHaveLength(2);
  });

  it('aborts a running job by terminating its worker', async () => {
    const parser = pool({ workerEntry: misbehavingWorker });
    const controller = new AbortController();
    const error = await rejection(
      parser.process(await badRequest('hang'), { signal: controller.signal, onProgress: () => controller.abort() }),
    );
    expect(error).toMatchObject({ name: 'AbortError' });
    expect((await parser.process(await goodRequest())).chunks).toHaveLength(2);
  });

  it('aborts a queued job without touching the running one', async () => {
    const parser = pool({ timeoutMs: 2_000, workerEntry: misbehavingWorker });
    const running = rejection(parser.process(await badRequest('hang')));
    const controller = new AbortController();
    const queued = rejection(parser.process(await goodRequest(), { signal: controller.signal }));
    controller.abort();
    expect(await queued).toMatchObject({ name: 'AbortError' });
    expect(await running).toMatchObject({ reason: 'timeout' });
  });

  it('runs jobs side by side up to its size', async () => {
    const parser = pool({ size: 2, timeoutMs: 2_000, workerEntry: misbehavingWorker });
    const stuck = rejection(parser.process(await badRequest('hang')));
    // With one worker stuck, the second worker still serves the good file before the time limit.
    const good = await parser.process(await goodRequest());
    expect(good.chunks).toHaveLength(2);
    expect(await stuck).toMatchObject({ reason: 'timeout' });
  });

  it('starts its workers ahead of the first job when warmed, and replaces one that is stopped', async () => {
    const log = path.join(temp.dir, `workers-${Date.now()}.log`);
    process.env.PARSE_WORKER_LOG = log;
    try {
      const parser = pool({ size: 2, timeoutMs: 2_000, workerEntry: announcingWorker });
      const started = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []);
      expect(started()).toEqual([]);
      parser.warm();
      await until(() => started().length === 2);
      expect(started().every((line) => line.endsWith('preload=true'))).toBe(true);
      // Jobs go to the started workers: no third one.
      expect((await parser.process(await goodRequest())).chunks).toHaveLength(2);
      expect(started()).toHaveLength(2);
      // A worker stopped at the time limit is replaced without waiting for the next job.
      expect(await rejection(parser.process(await badRequest('hang')))).toMatchObject({ reason: 'timeout' });
      await until(() => started().length === 3);
    } finally {
      delete process.env.PARSE_WORKER_LOG;
    }
  });

  it('rejects invalid requests and work after close', async () => {
    const parser = pool();
    await expect(parser.process({ ...(await goodRequest()), chunkSize: 100, chunkOverlap: 100 })).rejects.toThrow(TypeError);
    const pending = rejection(parser.process(await goodRequest()));
    await parser.close();
    expect(await pending).toMatchObject({ message: 'The parser pool is closed' });
    await expect(parser.process(await goodRequest())).rejects.toThrow('closed');
  });

  it('keeps the main event loop responsive while a large PDF parses', async () => {
    const pages = Array.from({ length: 300 }, (_, page) =>
      Array.from({ length: 12 }, (_, line) => `Page ${page + 1} line ${line + 1} talks about subject ${(page * 7 + line) % 23}.`).join(' '),
    );
    const pdf = temp.write('large.pdf', await makePdf(pages));
    const parser = pool({ timeoutMs: 60_000 });
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    let lastProgress: ParseProgress | undefined;
    const result = await parser.process(
      { filePath: pdf, fileType: 'pdf', filename: 'large.pdf', chunkSize: 1000, chunkOverlap: 200 },
      { onProgress: (update) => (lastProgress = update) },
    );
    histogram.disable();
    expect(result.parsed.pageCount).toBe(300);
    expect(result.chunks.at(-1)?.page).toBe(300);
    expect(lastProgress).toEqual({ stage: 'chunking' });
    // A generous bound: the real numbers belong to the ingest benchmark.
    expect(histogram.max / 1e6).toBeLessThan(200);
  });

  it('works when the server runs under tsx', async () => {
    const pdf = temp.write('tsx.pdf', await makePdf(['Parsed from a tsx process.']));
    const { stdout } = await promisify(execFile)(
      path.join(root, 'node_modules/.bin/tsx'),
      [path.join(root, 'test/support/parse-with-pool.ts'), pdf, 'pdf'],
      { cwd: root, timeout: 60_000 },
    );
    expect(JSON.parse(stdout)).toEqual([{ chunkIndex: 0, content: 'Parsed from a tsx process.', startChar: 0, endChar: 26, page: 1 }]);
  });
});
