import type { ModelPullProgress } from '../../protocol/models.ts';
import type { OllamaPullLine } from '../llm/ollama/ollama-client.ts';

export type ModelPullListener = (progress: ModelPullProgress) => void;

/**
 * One model download and its progress. Ollama reports bytes per layer (digest); the overall numbers
 * sum the layers seen so far, and `percent` never goes back when a new small layer appears. Updates
 * are thinned out (a real pull sends hundreds of lines a second): a listener hears every status
 * change, every whole percent, and otherwise at most one update per `throttleMs`.
 */
export class ModelPull {
  readonly abortController = new AbortController();
  private state: ModelPullProgress;
  private readonly layers = new Map<string, { total: number; completed: number }>();
  private readonly listeners = new Set<ModelPullListener>();
  private lastPublished: { at: number; percent: number; status: string; completed: number } = {
    at: 0,
    percent: -1,
    status: '',
    completed: -1,
  };
  private readonly finishedCallbacks: Array<(progress: ModelPullProgress) => void> = [];

  constructor(
    readonly modelName: string,
    private readonly options: { throttleMs: number; onProgress: ModelPullListener },
  ) {
    this.state = { model_name: modelName, status: 'starting', completed: 0, total: 0, percent: 0, done: false };
  }

  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  get progress(): ModelPullProgress {
    return { ...this.state };
  }

  get finished(): boolean {
    return this.state.done;
  }

  get succeeded(): boolean {
    return this.state.done && this.state.status === 'success';
  }

  /** Hears the current state at once, then every update until the end. */
  subscribe(listener: ModelPullListener): () => void {
    listener(this.progress);
    if (this.state.done) return () => {};
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves with the final state. */
  whenFinished(): Promise<ModelPullProgress> {
    if (this.state.done) return Promise.resolve(this.progress);
    return new Promise((resolve) => this.finishedCallbacks.push(resolve));
  }

  /** Folds one of Ollama's progress lines into the state. */
  apply(line: OllamaPullLine): void {
    if (this.state.done) return;
    if (line.digest && line.total !== undefined && line.total > 0) {
      this.layers.set(line.digest, { total: line.total, completed: Math.min(line.completed ?? 0, line.total) });
    }
    let total = 0;
    let completed = 0;
    for (const layer of this.layers.values()) {
      total += layer.total;
      completed += layer.completed;
    }
    const percent = total > 0 ? Math.floor((completed / total) * 1000) / 10 : 0;
    this.state = {
      ...this.state,
      status: line.status ?? this.state.status,
      total,
      completed,
      percent: Math.max(this.state.percent, Math.min(percent, 100)),
    };
    if (line.status === 'success') {
      this.finish({ status: 'success', completed: total, percent: 100 });
      return;
    }
    this.publishIfWorthIt();
  }

  /** Ends the download with an outcome; only the first call counts. */
  finish(outcome: { status: string; error?: string; completed?: number; percent?: number }): void {
    if (this.state.done) return;
    this.state = {
      ...this.state,
      status: outcome.status,
      completed: outcome.completed ?? this.state.completed,
      percent: outcome.percent ?? this.state.percent,
      done: true,
      ...(outcome.error ? { error: outcome.error } : {}),
    };
    this.publish();
    this.listeners.clear();
    for (const callback of this.finishedCallbacks.splice(0)) callback(this.progress);
  }

  private publishIfWorthIt(): void {
    const { status, percent, completed } = this.state;
    const last = this.lastPublished;
    const now = Date.now();
    if (
      status !== last.status ||
      Math.floor(percent) > Math.floor(last.percent) ||
      (completed !== last.completed && now - last.at >= this.options.throttleMs)
    ) {
      this.publish();
    }
  }

  private publish(): void {
    this.lastPublished = { at: Date.now(), percent: this.state.percent, status: this.state.status, completed: this.state.completed };
    const progress = this.progress;
    this.options.onProgress(progress);
    for (const listener of [...this.listeners]) listener(progress);
  }
}
