import { Worker } from 'node:worker_threads';
import { AnalyticsTimeoutError } from '../errors.ts';
import type { ComputeResult, ComputeTask, FromComputeWorker, StreamPage, StreamTask, ToComputeWorker } from './worker/compute-task.ts';
import { moduleFile } from '../concurrency/module-file.ts';

const BOOTSTRAP = moduleFile(import.meta.url, 'worker/bootstrap.mjs').path;
const ENTRY = moduleFile(import.meta.url, 'worker/compute-worker.ts').url.href;

export interface AnalyticsComputeOptions {
  /** Tasks computed at once; more wait their turn (`ANALYTICS_WORKERS`). */
  concurrency: number;
  /** A task still running after this is ended (`ANALYTICS_TIMEOUT_SECONDS`). */
  timeoutMs: number;
  /** Heap of one worker (`ANALYTICS_MAX_MEMORY_MB`). */
  maxMemoryMb: number;
}

/**
 * Runs the heavy math (PCA, t-SNE, UMAP, similarity matrices) in worker threads, one fresh worker per
 * task, so the event loop keeps answering chats meanwhile. A task past its time limit, or whose caller
 * aborts (the client went away), is ended by terminating its worker: the libraries cannot be interrupted.
 */
export class AnalyticsCompute {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly workers = new Set<Worker>();

  constructor(private readonly options: AnalyticsComputeOptions) {}

  async run<Task extends ComputeTask>(
    task: Task,
    options: { signal?: AbortSignal; onProgress?: (done: number) => void } = {},
  ): Promise<ComputeResult<Task>> {
    await this.turn(options.signal);
    try {
      return (await this.compute(task, options)) as ComputeResult<Task>;
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  /**
   * A task fed page by page: each page is handed to the worker (its vectors moved, not copied) while
   * the next is read, with at most one page waiting in the worker, so memory stays bounded whatever
   * the project's size and the sums run off the event loop.
   */
  async stream<Task extends StreamTask>(
    task: Task,
    pages: AsyncIterable<StreamPage>,
    options: { signal?: AbortSignal } = {},
  ): Promise<ComputeResult<Task>> {
    await this.turn(options.signal);
    try {
      return (await this.compute(task, { ...options, pages })) as ComputeResult<Task>;
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  /** Ends every running task (server shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  private turn(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    if (this.running < this.options.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const start = () => {
        signal?.removeEventListener('abort', cancel);
        this.running += 1;
        resolve();
      };
      const cancel = () => {
        this.waiting.splice(this.waiting.indexOf(start), 1);
        reject(signal!.reason);
      };
      this.waiting.push(start);
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  private compute(
    task: ComputeTask | StreamTask,
    options: { signal?: AbortSignal; onProgress?: (done: number) => void; pages?: AsyncIterable<StreamPage> },
  ): Promise<unknown> {
    const { signal } = options;
    signal?.throwIfAborted();
    const worker = new Worker(BOOTSTRAP, {
      workerData: { entryUrl: ENTRY, task },
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxMemoryMb },
      stdout: true,
      stderr: true,
    });
    this.workers.add(worker);
    return new Promise((resolve, reject) => {
      let settled = false;
      let acknowledged: (() => void) | undefined;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        acknowledged?.();
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        this.workers.delete(worker);
        void worker.terminate();
        outcome();
      };
      const timer = setTimeout(
        () => finish(() => reject(new AnalyticsTimeoutError(this.options.timeoutMs / 1000))),
        this.options.timeoutMs,
      );
      const abort = () => finish(() => reject(signal!.reason));
      signal?.addEventListener('abort', abort, { once: true });
      worker.on('message', (message: FromComputeWorker) => {
        if (message.type === 'progress') options.onProgress?.(message.done);
        else if (message.type === 'ack') acknowledged?.();
        else if (message.type === 'result') finish(() => resolve(message.result));
        else finish(() => reject(new Error(`analytics worker: ${message.message}`)));
      });
      worker.on('error', (error) => finish(() => reject(error)));
      worker.on('exit', (code) => finish(() => reject(new Error(`analytics worker exited with code ${code}`))));
      const { pages } = options;
      if (!pages) return;
      const post = (message: ToComputeWorker) => {
        if (message.type === 'page' && 'flat' in message.page) worker.postMessage(message, [message.page.flat.buffer as ArrayBuffer]);
        else worker.postMessage(message);
      };
      const feed = async () => {
        let taken: Promise<void> = Promise.resolve();
        for await (const page of pages) {
          await taken;
          if (settled) return;
          taken = new Promise<void>((resolve) => {
            acknowledged = resolve;
          });
          post({ type: 'page', page });
        }
        await taken;
        if (!settled) post({ type: 'end' });
      };
      feed().catch((error: unknown) => finish(() => reject(error)));
    });
  }
}
