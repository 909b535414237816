import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { isEmbedderUnavailable } from '../llm/embedder.ts';
import type { EmbedderChoice } from '../llm/embedder-resolver.ts';
import type { IngestContext } from './ingest-context.ts';
import type { IngestJobRunner } from './job-runner.ts';

/**
 * Notices, periodically and when a project's settings change, which projects have chunks without
 * vectors of their current embedding model (indexed while no embedder answered, or the model was
 * changed) and queues one embed job for each. Projects are only queued when the embedder answers.
 */
export class EmbeddingBackfill {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly context: IngestContext,
    private readonly runner: IngestJobRunner,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => void this.check(), this.intervalMs);
      this.timer.unref();
    }
    void this.check();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Runs one check (coalesced with a check already running). */
  check(options: { projectId?: number } = {}): Promise<void> {
    this.running ??= this.scan(options.projectId).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async scan(onlyProjectId?: number): Promise<void> {
    const { store, embedders, logger } = this.context;
    try {
      const projects = onlyProjectId
        ? [await store.projects.findById(onlyProjectId)].filter((project) => project !== undefined)
        : await store.projects.list({ skip: 0, limit: 100_000, includeDeleted: false });
      const reachable = new Map<string, Promise<boolean>>();
      let queued = 0;
      for (const project of projects) {
        // Each project's look is a few short indexed reads (the vector backlog); between projects the
        // event loop is free, however many there are.
        await yieldToEventLoop();
        const { embeddingModel } = await this.context.settings.effective({ projectId: project.id });
        const choice = embedders.choose({ embeddingModel });
        if (!choice) continue;
        // A version being built for a model nobody wants any more is abandoned.
        for (const index of await store.vectors.listIndexes(project.id)) {
          if (index.status === 'building' && (index.model !== choice.model || index.provider !== choice.provider)) {
            await store.vectors.retire(index.id);
          }
        }
        if ((await store.chunks.countByProject(project.id)) === 0) continue;
        const index = await store.vectors.findIndex({ projectId: project.id, provider: choice.provider, model: choice.model });
        if (index?.status === 'active') {
          // An indexed read of the backlog (seeded in short pages the first time), not a scan of every chunk.
          const missing = await store.chunks.listMissingVectors({ projectId: project.id, indexId: index.id, limit: 1 });
          if (missing.length === 0) continue;
        }
        const key = `${choice.provider}:${choice.model}`;
        if (!reachable.has(key)) reachable.set(key, this.isReachable(choice));
        if (!(await reachable.get(key))) continue;
        if (await store.jobs.enqueue({ kind: 'embed', projectId: project.id })) queued += 1;
      }
      if (queued > 0) {
        logger.info({ queued }, 'embedding backfill queued');
        this.runner.wake();
      }
    } catch (error) {
      logger.warn({ err: error }, 'embedding backfill check failed');
    }
  }

  private async isReachable(choice: EmbedderChoice): Promise<boolean> {
    try {
      await this.context.embedders.embedder(choice).embed({ texts: ['ping'], signal: AbortSignal.timeout(10_000) });
      return true;
    } catch (error) {
      return !isEmbedderUnavailable(error);
    }
  }
}
