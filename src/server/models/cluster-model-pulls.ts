import type { ModelPullProgress } from '../../protocol/models.ts';
import type { ClusterTransport } from '../cluster/cluster-transport.ts';
import { INSTANCE_GONE_TOPIC } from '../cluster/primary-protocol.ts';
import type { ModelPullListener } from './model-pull.ts';
import type { ModelPullManager } from './model-pull-manager.ts';
import type { ModelPulls, PullView } from './model-pulls.ts';
import { canonicalModelName } from './model-names.ts';

const keys = {
  progress: 'model-pull:progress',
  cancel: 'model-pull:cancel',
  lease: (key: string) => `model-pull:lease:${key}`,
};

interface ProgressMessage {
  owner: string;
  key: string;
  progress: ModelPullProgress;
}

/** A download another process runs, as this process hears it over the bus. */
class RemotePull implements PullView {
  private readonly listeners = new Set<ModelPullListener>();
  private readonly finishedCallbacks: Array<(progress: ModelPullProgress) => void> = [];

  constructor(
    readonly owner: string,
    private state: ModelPullProgress,
  ) {}

  get modelName(): string {
    return this.state.model_name;
  }

  get progress(): ModelPullProgress {
    return { ...this.state };
  }

  get finished(): boolean {
    return this.state.done;
  }

  subscribe(listener: ModelPullListener): () => void {
    listener(this.progress);
    if (this.state.done) return () => {};
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  whenFinished(): Promise<ModelPullProgress> {
    if (this.state.done) return Promise.resolve(this.progress);
    return new Promise((resolve) => this.finishedCallbacks.push(resolve));
  }

  update(progress: ModelPullProgress): void {
    if (this.state.done) return;
    this.state = { ...progress };
    for (const listener of [...this.listeners]) listener(this.progress);
    if (!progress.done) return;
    this.listeners.clear();
    for (const callback of this.finishedCallbacks.splice(0)) callback(this.progress);
  }
}

/**
 * Model downloads across processes. The process that starts a download holds its lease (so a second
 * request anywhere joins instead of downloading again) and publishes every progress update on the
 * bus; the others keep the latest state for REST and SSE and send cancels to the owner. Sockets hear
 * `model_pull_progress` once, from the owner's broadcast through the Socket.IO adapter.
 */
export class ClusterModelPulls implements ModelPulls {
  private readonly remote = new Map<string, RemotePull>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly transport: ClusterTransport,
    private readonly local: ModelPullManager,
    private readonly options: { leaseMs: number; retainMs?: number; cancelTimeoutMs?: number },
  ) {
    this.unsubscribe.push(
      transport.subscribe(keys.progress, (raw) => this.heard(raw as ProgressMessage)),
      transport.subscribe(keys.cancel, (raw) => {
        const { key } = raw as { key: string };
        const pull = this.local.get(key);
        if (pull && !pull.finished) void this.local.cancel(key);
      }),
      // The primary saw a worker die: its downloads (and their leases) are gone with it.
      transport.subscribe(INSTANCE_GONE_TOPIC, (raw) => {
        const { instanceId } = raw as { instanceId: string };
        for (const pull of this.remote.values()) if (pull.owner === instanceId) this.abandon(pull);
      }),
    );
  }

  async start(modelName: string): Promise<{ pull: PullView; joined: boolean }> {
    const key = canonicalModelName(modelName);
    const local = this.local.get(key);
    if (local && !local.finished) return { pull: local, joined: true };
    const remote = await this.liveRemote(key);
    if (remote) return { pull: remote, joined: true };
    const lease = keys.lease(key);
    if (!(await this.transport.tryAcquire(lease, this.options.leaseMs))) {
      // Another process started it a moment ago: follow it (its first update is on the way).
      const holder = (await this.transport.holder(lease)) ?? 'unknown';
      const pull = this.remember(key, holder, {
        model_name: modelName.trim(),
        status: 'starting',
        completed: 0,
        total: 0,
        percent: 0,
        done: false,
      });
      return { pull, joined: true };
    }
    let started: ReturnType<ModelPullManager['start']>;
    try {
      started = this.local.start(modelName);
    } catch (error) {
      await this.transport.release(lease);
      throw error;
    }
    const renew = setInterval(() => void this.transport.renew(lease, this.options.leaseMs).catch(() => false), this.options.leaseMs / 3);
    renew.unref();
    started.pull.subscribe((progress) => {
      this.transport.publish(keys.progress, { owner: this.transport.instanceId, key, progress } satisfies ProgressMessage);
      if (!progress.done) return;
      clearInterval(renew);
      void this.transport.release(lease).catch(() => undefined);
    });
    return started;
  }

  async get(modelName: string): Promise<PullView | undefined> {
    const key = canonicalModelName(modelName);
    return this.local.get(key) ?? this.remote.get(key);
  }

  async isRunning(modelName: string): Promise<boolean> {
    const key = canonicalModelName(modelName);
    return this.local.isRunning(key) || (await this.liveRemote(key)) !== undefined;
  }

  async cancel(modelName: string): Promise<ModelPullProgress | undefined> {
    const key = canonicalModelName(modelName);
    if (this.local.isRunning(key)) return this.local.cancel(key);
    const remote = await this.liveRemote(key);
    if (!remote) return undefined;
    this.transport.publish(keys.cancel, { key });
    const timeoutMs = this.options.cancelTimeoutMs ?? 10_000;
    return Promise.race([
      remote.whenFinished(),
      new Promise<ModelPullProgress>((resolve) => setTimeout(() => resolve(remote.progress), timeoutMs).unref()),
    ]);
  }

  async list(): Promise<ModelPullProgress[]> {
    const byKey = new Map<string, ModelPullProgress>();
    for (const pull of this.remote.values()) byKey.set(canonicalModelName(pull.modelName), pull.progress);
    for (const progress of this.local.list()) byKey.set(canonicalModelName(progress.model_name), progress);
    return [...byKey.values()];
  }

  async close(): Promise<void> {
    for (const stop of this.unsubscribe.splice(0)) stop();
    await this.local.close();
  }

  private heard(message: ProgressMessage): void {
    if (message.owner === this.transport.instanceId) return;
    const existing = this.remote.get(message.key);
    if (existing && !existing.finished && existing.owner === message.owner) existing.update(message.progress);
    else if (!existing || existing.finished || existing.owner === 'unknown') this.remember(message.key, message.owner, message.progress);
  }

  private remember(key: string, owner: string, progress: ModelPullProgress): RemotePull {
    const pull = new RemotePull(owner, progress);
    this.remote.set(key, pull);
    void pull.whenFinished().then(() => {
      const timer = setTimeout(() => {
        if (this.remote.get(key) === pull) this.remote.delete(key);
      }, this.options.retainMs ?? 60_000);
      timer.unref();
    });
    return pull;
  }

  /** A remote download still running: its owner still holds the lease (Redis: a dead owner's lapses). */
  private async liveRemote(key: string): Promise<RemotePull | undefined> {
    const pull = this.remote.get(key);
    if (!pull || pull.finished) return undefined;
    const holder = await this.transport.holder(keys.lease(key));
    if (holder === undefined) {
      this.abandon(pull);
      return undefined;
    }
    return pull;
  }

  private abandon(pull: RemotePull): void {
    pull.update({ ...pull.progress, status: 'error', done: true, error: 'The process running this download stopped' });
  }
}
