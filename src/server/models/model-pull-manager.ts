import type { ModelPullProgress } from '../../protocol/models.ts';
import { BusyError, LlmError } from '../errors.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { OllamaClient } from '../llm/ollama/ollama-client.ts';
import type { Logger } from '../logger.ts';
import { canonicalModelName } from './model-names.ts';
import { ModelPull } from './model-pull.ts';
import type { ModelPulls } from './model-pulls.ts';

export interface ModelPullManagerOptions {
  client: OllamaClient;
  events: DomainEvents;
  logger: Logger;
  /** Called after a model was downloaded (to refresh model lists). */
  onSuccess?: (modelName: string) => void;
  /** Downloads allowed at once; more are refused with a clear message. */
  maxConcurrent?: number;
  /** How long a finished download's final state stays visible to late watchers. */
  retainMs?: number;
  throttleMs?: number;
}

/**
 * The model downloads of this process. A download runs on its own, independent of the request that
 * started it (the original blocked that request for minutes, and the browser gave up after 30 s).
 * Asking again for a model already downloading joins that download. Progress goes out as the domain
 * event `model-pull-progress`; watchers can also subscribe to a pull directly (SSE).
 */
export class ModelPullManager {
  private readonly pulls = new Map<string, ModelPull>();

  constructor(private readonly options: ModelPullManagerOptions) {}

  /** Starts downloading a model, or joins the download of it that is already running. */
  start(modelName: string): { pull: ModelPull; joined: boolean } {
    const key = canonicalModelName(modelName);
    const existing = this.pulls.get(key);
    if (existing && !existing.finished) return { pull: existing, joined: true };
    const limit = this.options.maxConcurrent ?? 3;
    if (this.running().length >= limit) {
      throw new BusyError(`${limit} model downloads are already running; wait for one to finish or cancel one`);
    }
    const pull = new ModelPull(modelName.trim(), {
      throttleMs: this.options.throttleMs ?? 250,
      onProgress: (progress) => this.options.events.publish({ type: 'modelPullProgress', progress }),
    });
    this.pulls.set(key, pull);
    this.options.events.publish({ type: 'modelPullProgress', progress: pull.progress });
    void this.run(pull, key);
    return { pull, joined: false };
  }

  /** The running download of a model, or its recently finished one. */
  get(modelName: string): ModelPull | undefined {
    return this.pulls.get(canonicalModelName(modelName));
  }

  isRunning(modelName: string): boolean {
    const pull = this.get(modelName);
    return pull !== undefined && !pull.finished;
  }

  /** Cancels a running download (hangs up on Ollama); resolves with its final state, or undefined when none runs. */
  async cancel(modelName: string): Promise<ModelPullProgress | undefined> {
    const pull = this.get(modelName);
    if (!pull || pull.finished) return undefined;
    pull.abortController.abort();
    return pull.whenFinished();
  }

  running(): ModelPull[] {
    return [...this.pulls.values()].filter((pull) => !pull.finished);
  }

  /** Running and recently finished downloads. */
  list(): ModelPullProgress[] {
    return [...this.pulls.values()].map((pull) => pull.progress);
  }

  /** On shutdown: cancel every download and wait (bounded) for each to settle. */
  async close(timeoutMs = 2_000): Promise<void> {
    const running = this.running();
    for (const pull of running) pull.abortController.abort();
    await Promise.race([
      Promise.all(running.map((pull) => pull.whenFinished())),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }

  private async run(pull: ModelPull, key: string): Promise<void> {
    const { client, logger } = this.options;
    try {
      for await (const line of client.pullModel({ name: pull.modelName, signal: pull.signal })) pull.apply(line);
      if (pull.signal.aborted && !pull.succeeded) {
        pull.finish({ status: 'cancelled', error: 'The download was cancelled' });
      } else if (!pull.finished) {
        pull.finish({ status: 'success', completed: pull.progress.total, percent: 100 });
      }
    } catch (error) {
      if (error instanceof LlmError) {
        logger.warn({ model: pull.modelName, code: error.code }, 'model download failed');
        pull.finish({ status: 'error', error: `Downloading '${pull.modelName}' failed: ${error.message}` });
      } else {
        logger.error({ err: error, model: pull.modelName }, 'model download failed');
        pull.finish({ status: 'error', error: `Downloading '${pull.modelName}' failed because of an internal error` });
      }
    }
    if (pull.succeeded) {
      try {
        this.options.onSuccess?.(pull.modelName);
      } catch (error) {
        logger.error({ err: error }, 'model download follow-up failed');
      }
    }
    const timer = setTimeout(() => {
      if (this.pulls.get(key) === pull) this.pulls.delete(key);
    }, this.options.retainMs ?? 60_000);
    timer.unref();
  }
}

/** One process's downloads behind the ModelPulls interface the services use. */
export function localModelPulls(manager: ModelPullManager): ModelPulls {
  return {
    start: async (modelName) => manager.start(modelName),
    get: async (modelName) => manager.get(modelName),
    isRunning: async (modelName) => manager.isRunning(modelName),
    cancel: (modelName) => manager.cancel(modelName),
    list: async () => manager.list(),
    close: () => manager.close(),
  };
}
