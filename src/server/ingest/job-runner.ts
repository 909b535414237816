import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { AppError, LlmError } from '../errors.ts';
import type { JobRecord } from '../store/store.ts';
import { embedProject } from './embed-project.ts';
import type { IngestContext } from './ingest-context.ts';
import { DocumentParseError } from './parsed-document.ts';
import { processDocument } from './process-document.ts';
import { isTransient, retryDelayMs } from './retry-policy.ts';

export type CancelReason = 'deleted' | 'reprocess' | 'shutdown';

/** A lock whose holder has not written a heartbeat for this long is considered dead. */
const LOCK_TIMEOUT_MS = 120_000;
const HEARTBEAT_MS = 15_000;
/** Longest sleep between two looks at the queue (another process may have queued work). */
const MAX_IDLE_MS = 5_000;

/**
 * Runs ingestion jobs from the durable queue, `concurrency` at a time. Transient failures go back to
 * the queue with exponential backoff; anything else, or too many attempts, fails the document with
 * a reason, so nothing stays `processing`. At start, jobs held by a process that is gone (crash,
 * SIGKILL) are queued again. Jobs can be cancelled (document deleted or reprocessed) through their
 * AbortSignal.
 */
export class IngestJobRunner {
  readonly workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<number, { job: JobRecord; controller: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private pumping = false;
  private pumpAgain = false;
  private stopped = false;
  /** Jobs run only after `start()`: a process that does not own the data dir queues them for the one that does. */
  private started = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly context: IngestContext,
    private readonly options: { concurrency: number; maxAttempts: number; retryBaseSeconds: number },
  ) {}

  async start(): Promise<void> {
    const { store, logger } = this.context;
    const requeued = await this.requeueAbandoned();
    if (requeued > 0) logger.warn({ requeued }, 'ingestion jobs left running by a stopped process were queued again');
    // A document can be unfinished without a job if the process died between the two writes.
    for (const document of await store.documents.listUnfinished()) {
      await store.jobs.enqueue({ kind: 'parse', projectId: document.projectId, documentId: document.id });
    }
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.heartbeatTimer.unref();
    this.started = true;
    this.wake();
  }

  /** Looks at the queue now (after an enqueue). */
  wake(): void {
    void this.pump();
  }

  /** Stops the running job of a document, if any. */
  cancelDocument(documentId: number, reason: CancelReason): void {
    for (const { job, controller } of this.running.values()) {
      if (job.documentId === documentId) controller.abort(reason);
    }
  }

  cancelProject(projectId: number): void {
    for (const { job, controller } of this.running.values()) {
      if (job.projectId === projectId) controller.abort('deleted' satisfies CancelReason);
    }
  }

  /** Resolves once nothing runs and no queued job is due (benchmarks and tests). */
  async whenIdle(): Promise<void> {
    for (;;) {
      if (this.running.size === 0) {
        const next = await this.context.store.jobs.nextDue();
        if (!next) return;
        this.wake();
      }
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeatTimer);
    for (const { controller } of this.running.values()) controller.abort('shutdown' satisfies CancelReason);
    await Promise.race([
      Promise.allSettled([...this.running.values()].map((entry) => entry.done)),
      new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
    ]);
  }

  private async pump(): Promise<void> {
    if (this.stopped || !this.started) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (!this.stopped && this.running.size < this.options.concurrency) {
          const job = await this.context.store.jobs.claim({ workerId: this.workerId, now: new Date().toISOString() });
          if (!job) break;
          const controller = new AbortController();
          const entry = { job, controller, done: Promise.resolve() };
          this.running.set(job.id, entry);
          entry.done = this.run(job, controller).finally(() => {
            this.running.delete(job.id);
            this.notifyIdle();
            this.wake();
          });
        }
      } while (this.pumpAgain && !this.stopped);
      await this.scheduleNextLook();
    } catch (error) {
      this.context.logger.error({ err: error }, 'ingestion queue could not be read');
      this.timer = setTimeout(() => this.wake(), MAX_IDLE_MS);
      this.timer.unref();
    } finally {
      this.pumping = false;
    }
  }

  private async scheduleNextLook(): Promise<void> {
    clearTimeout(this.timer);
    if (this.stopped || this.running.size >= this.options.concurrency) return;
    const next = await this.context.store.jobs.nextDue();
    const delay = next ? Math.max(20, Math.min(MAX_IDLE_MS, Date.parse(next) - Date.now())) : MAX_IDLE_MS;
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
    this.notifyIdle();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async run(job: JobRecord, controller: AbortController): Promise<void> {
    const { store, logger, progress, events } = this.context;
    try {
      if (job.kind === 'parse') {
        const outcome = await processDocument(this.context, job, controller.signal);
        if (outcome.kind === 'completed' && outcome.buildingIndex) {
          await store.jobs.enqueue({ kind: 'embed', projectId: job.projectId });
        }
        if (outcome.kind === 'completed') {
          if (job.documentId !== null)
            events.publish({ type: 'documentUpdated', projectId: job.projectId, documentId: job.documentId, status: 'completed' });
        }
      } else {
        await embedProject(this.context, job, controller.signal);
      }
      await store.jobs.complete(job.id);
    } catch (error) {
      try {
        await this.settleFailure(job, controller, error);
      } catch (settleError) {
        logger.error({ err: settleError, jobId: job.id }, 'could not record an ingestion failure');
      }
    } finally {
      if (job.documentId !== null && job.kind === 'parse' && controller.signal.aborted) progress.forget(job.documentId);
    }
  }

  private async settleFailure(job: JobRecord, controller: AbortController, error: unknown): Promise<void> {
    const { store, logger, progress } = this.context;
    if (controller.signal.aborted) {
      const reason = controller.signal.reason as CancelReason;
      // Shutdown: the job goes back to the queue and resumes at the next start.
      if (reason === 'shutdown') await store.jobs.retry(job.id, { runAfter: new Date().toISOString(), error: 'interrupted by shutdown' });
      else await store.jobs.complete(job.id);
      return;
    }
    const message = failureMessage(error);
    const document = job.documentId !== null ? await store.documents.findById(job.documentId) : undefined;
    if (isTransient(error) && job.attempts < this.options.maxAttempts) {
      const delayMs = retryDelayMs(job.attempts, this.options.retryBaseSeconds);
      logger.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, delayMs, reason: message }, 'ingestion job will be retried');
      await store.jobs.retry(job.id, { runAfter: new Date(Date.now() + delayMs).toISOString(), error: message });
      if (document && job.kind === 'parse') {
        await progress.report(document, {
          status: 'processing',
          stage: 'queued',
          progress: 0,
          error: `${message} (attempt ${job.attempts} of ${this.options.maxAttempts}; retrying in ${Math.ceil(delayMs / 1000)} s)`,
        });
      }
      return;
    }
    if (!(error instanceof AppError) && !(error instanceof DocumentParseError)) {
      logger.error({ err: error, jobId: job.id, kind: job.kind }, 'ingestion job failed');
    } else {
      logger.warn({ jobId: job.id, kind: job.kind, reason: message }, 'ingestion job failed');
    }
    await store.jobs.fail(job.id, message);
    if (document && job.kind === 'parse') {
      await store.documents.markFailed(document.id, message);
      await progress.report(document, { status: 'failed', stage: 'failed', progress: 0, error: message });
      this.context.events.publish({ type: 'documentUpdated', projectId: document.projectId, documentId: document.id, status: 'failed' });
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.context.store.jobs.heartbeat({ workerId: this.workerId, now: new Date().toISOString() });
      // Peers sharing the database may have died: their jobs come back here.
      const requeued = await this.requeueAbandoned();
      if (requeued > 0) this.wake();
    } catch (error) {
      this.context.logger.warn({ err: error }, 'ingestion heartbeat failed');
    }
  }

  /** Leases expire in SQL; holders on this host whose process is gone are given up at once. */
  private async requeueAbandoned(): Promise<number> {
    const { store } = this.context;
    const deadHolders = (await store.jobs.runningHolders()).filter((holder) => !this.isHolderAlive(holder));
    return store.jobs.requeueAbandoned({ lockedBefore: new Date(Date.now() - LOCK_TIMEOUT_MS).toISOString(), deadHolders });
  }

  /** Same host: the pid must still run; other hosts: alive until their lease expires. */
  private isHolderAlive(lockedBy: string): boolean {
    if (lockedBy === this.workerId) return true;
    const [host, pid] = lockedBy.split(':');
    if (host !== os.hostname()) return true;
    if (Number(pid) === process.pid) return false; // an earlier life of this process id (restart)
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}

/** What the user reads in `error_message`: the parser's reason, the model server's, or a generic line. */
export function failureMessage(error: unknown): string {
  if (error instanceof DocumentParseError) return error.message;
  if (error instanceof LlmError) return `Embedding failed: ${error.message}`;
  if (error instanceof AppError && error.expose) return error.message;
  if ((error as { code?: string }).code === 'ENOENT') return 'The stored file is missing; upload the document again';
  return 'Processing failed because of an internal error';
}
