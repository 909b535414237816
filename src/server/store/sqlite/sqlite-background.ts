import { Worker } from 'node:worker_threads';
import type { VectorIndexStats } from '../store.ts';
import { moduleFile } from '../../concurrency/module-file.ts';
import {
  BackgroundResponse,
  type BackgroundRequest,
  type BackgroundWork,
  type BackgroundWorkerData,
} from './worker/background-messages.ts';

const BOOTSTRAP = moduleFile(import.meta.url, 'worker/bootstrap.mjs').path;
const ENTRY = moduleFile(import.meta.url, 'worker/background-worker.ts').url;

/** A failure reported by the background connection, with SQLite's code kept (busy, corrupt …). */
export class BackgroundStatementError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'BackgroundStatementError';
  }
}

/**
 * The main thread's handle on the store's background connection (a worker thread, started on first
 * use). Requests are answered in order, one at a time.
 */
export class SqliteBackground {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (response: BackgroundResponse & { ok: true }) => void; reject: (error: Error) => void }
  >();

  constructor(
    private readonly filePath: string,
    private readonly vectorIndex?: { dir: string; minVectors: number; verifyStepBytes?: number },
  ) {}

  /** Whether the worker is running (asking a stopped one to flush would start it). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Loads the saved approximate indexes (and starts the builds they lack) in the worker. */
  async warmVectorIndex(): Promise<void> {
    await this.request({ type: 'vector_index_warm' });
  }

  async vectorIndexStats(): Promise<VectorIndexStats | undefined> {
    return (await this.request({ type: 'vector_index_stats' })).vectorIndex;
  }

  /** Saves the approximate indexes' unsaved changes (else the next start replays them from the log). */
  async flushVectorIndex(): Promise<void> {
    await this.request({ type: 'vector_index_flush' });
  }

  /** quick_check's findings (empty: the file is sound). */
  async quickCheck(): Promise<string[]> {
    return (await this.request({ type: 'quick_check' })).problems ?? [];
  }

  async dropRetiredVectorTables(): Promise<number> {
    return (await this.request({ type: 'drop_retired_vectors' })).dropped ?? 0;
  }

  async searchVectors(options: {
    indexId: number;
    embedding: ArrayLike<number>;
    limit: number;
  }): Promise<Array<{ chunkId: number; distance: number }>> {
    const embedding = Float32Array.from(options.embedding);
    return (await this.request({ type: 'vector_search', indexId: options.indexId, embedding, limit: options.limit })).matches ?? [];
  }

  async searchFullText(options: { projectId: number; query: string; limit: number }): Promise<Array<{ chunkId: number; score: number }>> {
    return (await this.request({ type: 'full_text_search', ...options })).hits ?? [];
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private request(work: BackgroundWork): Promise<BackgroundResponse & { ok: true }> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Referenced only while a request is out: an idle worker never keeps the process alive.
      worker.ref();
      worker.postMessage({ ...work, id } as BackgroundRequest);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(BOOTSTRAP, {
      workerData: {
        entryUrl: ENTRY.href,
        filePath: this.filePath,
        ...(this.vectorIndex ? { vectorIndex: this.vectorIndex } : {}),
      } satisfies BackgroundWorkerData,
    });
    worker.unref();
    worker.on('message', (raw: unknown) => {
      const parsed = BackgroundResponse.safeParse(raw);
      if (!parsed.success) return;
      const waiting = this.pending.get(parsed.data.id);
      if (!waiting) return;
      this.pending.delete(parsed.data.id);
      if (this.pending.size === 0) worker.unref();
      if (parsed.data.ok) waiting.resolve(parsed.data);
      else waiting.reject(new BackgroundStatementError(parsed.data.message, parsed.data.code));
    });
    const failAll = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the store's background worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
