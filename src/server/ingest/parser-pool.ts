import { Worker } from 'node:worker_threads';
import { type ParseProgress, type ParseRequest, ParseRequestSchema, type ParseResult } from './parse-request.ts';
import { DocumentParseError } from './parsed-document.ts';
import { FromWorkerMessage, type ToWorkerMessage } from './worker/worker-messages.ts';
import { type Logger, withoutQuotedText } from '../logger.ts';
import { moduleFile } from '../concurrency/module-file.ts';

export type { ParseProgress, ParseRequest, ParseResult } from './parse-request.ts';

export interface ParserPool {
  /** Parses and chunks in a worker thread with a time and memory limit. Rejects with DocumentParseError
   *  (reason 'timeout' | 'memory' | 'corrupt' | 'no_text_layer' | 'empty' | 'unsupported' | 'too_large' | 'encrypted'). */
  process(request: ParseRequest, options?: { signal?: AbortSignal; onProgress?: (progress: ParseProgress) => void }): Promise<ParseResult>;
  /**
   * Starts the workers now, in the background (each loads the parser modules and PDFium), so the
   * first documents do not wait for that; from then on a worker that exits is replaced at once.
   */
  warm(): void;
  close(): Promise<void>;
}

export interface ParserPoolOptions {
  /** Worker threads at most (each parses one file at a time). */
  size: number;
  /** Wall-clock limit of one job; the worker is terminated past it. */
  timeoutMs: number;
  /**
   * Memory of each worker: its V8 old-generation heap limit, and, checked while it parses, its heap
   * plus the buffers outside it (typed arrays, PDFium's WebAssembly heap).
   */
  maxMemoryMb: number;
  /** Where a parser crash's `detail` goes (the user sees only the message). */
  logger?: Pick<Logger, 'warn'>;
  /**
   * Resident memory of the whole process above which the running parse most likely responsible is
   * stopped: the backstop for a parser that allocates without ever yielding (and so cannot report).
   */
  maxProcessRssMb?: number;
  /** Bytes one document's compressed streams may decode to (PDF decompression bombs). */
  maxDecodedBytes?: number;
  /** The module a worker runs; tests swap in one that hangs or eats memory. */
  workerEntry?: URL;
}

const BOOTSTRAP = moduleFile(import.meta.url, 'worker/bootstrap.mjs').path;
const DEFAULT_ENTRY = moduleFile(import.meta.url, 'worker/parse-worker.ts').url;
/** A worker is replaced after this many jobs, so leaks in parser libraries cannot pile up. */
const JOBS_PER_WORKER = 100;
/** How often process RSS is sampled while a job runs. */
const RSS_SAMPLE_MS = 50;
/** A busy worker that has not reported its memory for this long is stuck in synchronous code. */
const MEMORY_REPORT_STALE_MS = 500;

interface Job {
  id: number;
  request: ParseRequest;
  signal?: AbortSignal;
  onProgress?: (progress: ParseProgress) => void;
  resolve: (result: ParseResult) => void;
  reject: (error: unknown) => void;
  settled: boolean;
  timer?: NodeJS.Timeout;
  removeAbortListener?: () => void;
}

interface PoolWorker {
  worker: Worker;
  ready: boolean;
  job?: Job;
  jobsDone: number;
  /** Set when we terminate it (time limit, abort, close): its exit is expected. */
  retiring: boolean;
  lastError?: unknown;
  /** Its last memory report for the current job (heap + external bytes). */
  memory?: { bytes: number; at: number };
  /** Stopped for memory and not yet exited: RSS is not judged again until its memory is released. */
  releasingMemory: boolean;
  jobStartedAt?: number;
}

/**
 * A small pool of parse workers. Each job runs in a worker with a heap limit and a wall-clock timeout;
 * a worker that times out, is aborted, runs out of memory or crashes is thrown away and replaced on
 * demand, and the next job starts. Messages from workers are validated before use.
 */
export function createParserPool(options: ParserPoolOptions): ParserPool {
  const size = Math.max(1, Math.floor(options.size));
  const entryUrl = (options.workerEntry ?? DEFAULT_ENTRY).href;
  const workers = new Set<PoolWorker>();
  const queue: Job[] = [];
  let nextJobId = 1;
  let closed = false;
  /** Set by warm(): the pool keeps `size` workers started instead of spawning on demand. */
  let warmed = false;
  const maxWorkerBytes = options.maxMemoryMb * 1024 * 1024;
  let rssTimer: NodeJS.Timeout | undefined;

  function settle(job: Job, outcome: { result: ParseResult } | { error: unknown }): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    job.removeAbortListener?.();
    if ('result' in outcome) job.resolve(outcome.result);
    else job.reject(outcome.error);
  }

  function spawn(): PoolWorker {
    const poolWorker: PoolWorker = {
      worker: new Worker(BOOTSTRAP, {
        workerData: { entryUrl, preload: warmed },
        resourceLimits: { maxOldGenerationSizeMb: options.maxMemoryMb },
        // The parent's stdio stays clean of parser warnings.
        stdout: true,
        stderr: true,
      }),
      ready: false,
      jobsDone: 0,
      retiring: false,
      releasingMemory: false,
    };
    const { worker } = poolWorker;
    worker.stdout.resume();
    worker.stderr.resume();
    worker.on('message', (raw: unknown) => onMessage(poolWorker, raw));
    worker.on('error', (error) => {
      poolWorker.lastError = error;
    });
    worker.on('exit', () => onExit(poolWorker));
    workers.add(poolWorker);
    return poolWorker;
  }

  function onMessage(poolWorker: PoolWorker, raw: unknown): void {
    const parsed = FromWorkerMessage.safeParse(raw);
    if (!parsed.success) {
      const job = poolWorker.job;
      if (job) fail(poolWorker, job, new DocumentParseError('The parser sent an invalid answer', 'corrupt'));
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      poolWorker.ready = true;
      // An idle worker must not keep the process alive; `start` refs it for the length of a job.
      poolWorker.worker.unref();
      schedule();
      return;
    }
    const job = poolWorker.job;
    if (!job || job.id !== message.jobId || job.settled) return;
    switch (message.type) {
      case 'progress':
        job.onProgress?.(message.progress);
        return;
      case 'memory': {
        const bytes = message.heapBytes + message.externalBytes;
        poolWorker.memory = { bytes, at: Date.now() };
        if (bytes > maxWorkerBytes) stopForMemory(poolWorker, job, workerMemoryError(options.maxMemoryMb));
        return;
      }
      case 'done':
        finish(poolWorker, job, { result: message.result });
        return;
      case 'failed':
        if (message.error.detail)
          options.logger?.warn(
            { reason: message.error.reason, fileType: job.request.fileType, detail: withoutQuotedText(message.error.detail) },
            'a parser failed on a document',
          );
        // A parser that ran out of memory may keep what it grew (a WASM heap never shrinks): replace it.
        if (message.error.reason === 'memory') {
          stopForMemory(poolWorker, job, new DocumentParseError(message.error.message, message.error.reason));
          return;
        }
        finish(poolWorker, job, {
          error: new DocumentParseError(message.error.message, message.error.reason),
        });
        return;
      default:
        message satisfies never;
    }
  }

  /** The job ended normally: the worker takes the next one (or is recycled). */
  function finish(poolWorker: PoolWorker, job: Job, outcome: { result: ParseResult } | { error: unknown }): void {
    settle(job, outcome);
    poolWorker.job = undefined;
    poolWorker.jobsDone += 1;
    if (poolWorker.jobsDone >= JOBS_PER_WORKER) retire(poolWorker);
    else poolWorker.worker.unref();
    schedule();
  }

  /** The job failed in a way that leaves the worker unusable (timeout, abort, bad message). */
  function fail(poolWorker: PoolWorker, job: Job, error: unknown): void {
    settle(job, { error });
    retire(poolWorker);
  }

  /** Fails the job with `memory` and terminates its worker, which frees everything it allocated. */
  function stopForMemory(poolWorker: PoolWorker, job: Job, error: DocumentParseError): void {
    poolWorker.releasingMemory = true;
    fail(poolWorker, job, error);
    schedule();
  }

  /**
   * The backstop behind the workers' own reports: past the process RSS limit, stop the busy worker
   * that has gone silent longest (stuck allocating in synchronous code), else the one using most.
   */
  function checkProcessMemory(): void {
    const busy = [...workers].filter((poolWorker) => poolWorker.job && !poolWorker.retiring);
    if (busy.length === 0) {
      clearInterval(rssTimer);
      rssTimer = undefined;
      return;
    }
    if (!options.maxProcessRssMb || [...workers].some((poolWorker) => poolWorker.releasingMemory)) return;
    const rss = process.memoryUsage.rss();
    if (rss <= options.maxProcessRssMb * 1024 * 1024) return;
    const now = Date.now();
    const silence = (poolWorker: PoolWorker) => now - (poolWorker.memory?.at ?? poolWorker.jobStartedAt ?? now);
    const stuck = busy.filter((poolWorker) => silence(poolWorker) > MEMORY_REPORT_STALE_MS).sort((a, b) => silence(b) - silence(a));
    const culprit = stuck[0] ?? busy.sort((a, b) => (b.memory?.bytes ?? 0) - (a.memory?.bytes ?? 0))[0]!;
    stopForMemory(
      culprit,
      culprit.job!,
      new DocumentParseError(
        `The server ran short of memory (over ${options.maxProcessRssMb} MB) while parsing this file, and the parse was stopped`,
        'memory',
      ),
    );
  }

  function retire(poolWorker: PoolWorker): void {
    poolWorker.retiring = true;
    poolWorker.job = undefined;
    void poolWorker.worker.terminate();
  }

  function onExit(poolWorker: PoolWorker): void {
    workers.delete(poolWorker);
    const job = poolWorker.job;
    poolWorker.job = undefined;
    if (job && !job.settled) {
      settle(job, { error: exitError(poolWorker.lastError, options.maxMemoryMb) });
    } else if (!poolWorker.ready && !poolWorker.retiring && !closed) {
      // It died while starting: fail one waiting job rather than respawning forever.
      const waiting = queue.shift();
      if (waiting) {
        settle(waiting, {
          error: new Error('A parse worker could not start', { cause: poolWorker.lastError }),
        });
      }
    }
    schedule();
    // A recycled or stopped worker is replaced before the next job needs it (not one that died
    // while starting: that would respawn forever).
    if (warmed && poolWorker.ready) topUp();
  }

  function topUp(): void {
    if (closed) return;
    let toSpawn = size - countLive();
    while (toSpawn > 0) {
      spawn();
      toSpawn -= 1;
    }
  }

  function schedule(): void {
    if (closed) return;
    for (const poolWorker of workers) {
      if (queue.length === 0) return;
      if (poolWorker.ready && !poolWorker.job && !poolWorker.retiring) start(poolWorker, queue.shift()!);
    }
    const starting = [...workers].filter((poolWorker) => !poolWorker.ready && !poolWorker.retiring).length;
    let toSpawn = Math.min(queue.length - starting, size - countLive());
    while (toSpawn > 0) {
      spawn();
      toSpawn -= 1;
    }
  }

  function countLive(): number {
    return [...workers].filter((poolWorker) => !poolWorker.retiring).length;
  }

  function start(poolWorker: PoolWorker, job: Job): void {
    poolWorker.job = job;
    poolWorker.memory = undefined;
    poolWorker.jobStartedAt = Date.now();
    poolWorker.worker.ref();
    rssTimer ??= setInterval(checkProcessMemory, RSS_SAMPLE_MS).unref();
    job.timer = setTimeout(() => {
      fail(
        poolWorker,
        job,
        new DocumentParseError(`Parsing took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped`, 'timeout'),
      );
    }, options.timeoutMs);
    const request = { ...job.request, maxDecodedBytes: job.request.maxDecodedBytes ?? options.maxDecodedBytes };
    const message: ToWorkerMessage = { type: 'parse', jobId: job.id, request };
    poolWorker.worker.postMessage(message);
  }

  function abort(job: Job): void {
    const error = job.signal?.reason ?? new DOMException('The parse was aborted', 'AbortError');
    const index = queue.indexOf(job);
    if (index !== -1) {
      queue.splice(index, 1);
      settle(job, { error });
      return;
    }
    for (const poolWorker of workers) {
      if (poolWorker.job === job) {
        fail(poolWorker, job, error);
        schedule();
        return;
      }
    }
  }

  return {
    process(request, processOptions = {}) {
      if (closed) return Promise.reject(new Error('The parser pool is closed'));
      const checked = ParseRequestSchema.safeParse(request);
      if (!checked.success) return Promise.reject(new TypeError(`Invalid parse request: ${checked.error.message}`));
      const validRequest = checked.data;
      const { signal, onProgress } = processOptions;
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<ParseResult>((resolve, reject) => {
        const job: Job = { id: nextJobId++, request: validRequest, signal, onProgress, resolve, reject, settled: false };
        if (signal) {
          const onAbort = () => abort(job);
          signal.addEventListener('abort', onAbort, { once: true });
          job.removeAbortListener = () => signal.removeEventListener('abort', onAbort);
        }
        queue.push(job);
        schedule();
      });
    },

    warm() {
      warmed = true;
      topUp();
    },

    async close() {
      closed = true;
      clearInterval(rssTimer);
      for (const job of queue.splice(0)) settle(job, { error: new Error('The parser pool is closed') });
      const exits = [...workers].map((poolWorker) => {
        const job = poolWorker.job;
        if (job) settle(job, { error: new Error('The parser pool is closed') });
        poolWorker.retiring = true;
        return poolWorker.worker.terminate();
      });
      await Promise.allSettled(exits);
    },
  };
}

function workerMemoryError(maxMemoryMb: number): DocumentParseError {
  return new DocumentParseError(`The file needs more memory than a parse may use (${maxMemoryMb} MB) and was stopped`, 'memory');
}

function exitError(lastError: unknown, maxMemoryMb: number): DocumentParseError {
  if ((lastError as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') return workerMemoryError(maxMemoryMb);
  return new DocumentParseError('The parser crashed on this file', 'corrupt');
}
