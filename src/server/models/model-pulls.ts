import type { ModelPullProgress } from '../../protocol/models.ts';
import type { ModelPullListener } from './model-pull.ts';

/** What the edges read of a download, wherever it runs (this process or another). */
export interface PullView {
  readonly modelName: string;
  readonly progress: ModelPullProgress;
  readonly finished: boolean;
  /** Hears the current state at once, then every update until the end. */
  subscribe(listener: ModelPullListener): () => void;
}

/**
 * Model downloads as the services see them: one process (ModelPullManager) or every process of a
 * deployment (ClusterModelPulls). Asking for a model that downloads anywhere joins that download.
 */
export interface ModelPulls {
  start(modelName: string): Promise<{ pull: PullView; joined: boolean }>;
  get(modelName: string): Promise<PullView | undefined>;
  isRunning(modelName: string): Promise<boolean>;
  /** Cancels a running download wherever it runs; its final state, or undefined when none runs. */
  cancel(modelName: string): Promise<ModelPullProgress | undefined>;
  list(): Promise<ModelPullProgress[]>;
  /** On shutdown: cancel this process's downloads and wait (bounded). */
  close(): Promise<void>;
}
