import type { ClusterTransport } from '../../cluster/cluster-transport.ts';
import { MAX_TRACKED_PROGRESS, type MapProgress, MapProgressEntry } from './map-progress.ts';

const keys = {
  owner: (id: string) => `analytics-progress:owner:${id}`,
  entry: (id: string) => `analytics-progress:entry:${id}`,
};

/**
 * Several processes (Redis, or the `--workers` primary): the id is a lease, so one computation
 * owns it across all processes, and the entry is a one-item log that any process reads. Both live
 * at most `ttlMs`, so a process that dies mid-computation leaves nothing behind for long.
 */
export class ClusterMapProgress implements MapProgress {
  /** The ids this process started, to bound what it tracks. */
  private readonly own = new Map<string, number>();

  constructor(
    private readonly transport: ClusterTransport,
    private readonly options: { ttlMs: number },
  ) {}

  async start(id: string, projectId: number): Promise<boolean> {
    if (this.own.has(id) || this.own.size >= MAX_TRACKED_PROGRESS) return false;
    this.own.set(id, projectId);
    let taken = false;
    try {
      taken = await this.transport.tryAcquire(keys.owner(id), this.options.ttlMs);
    } catch {
      // Progress is a courtesy: without the coordinator the map is still computed, untracked.
    }
    if (!taken) {
      this.own.delete(id);
      return false;
    }
    this.transport.resetLog(keys.entry(id), { projectId, stage: 'reading', done: null }, this.options.ttlMs);
    return true;
  }

  update(id: string, entry: MapProgressEntry): void {
    if (this.own.has(id)) this.transport.resetLog(keys.entry(id), entry, this.options.ttlMs);
  }

  async read(id: string): Promise<MapProgressEntry | undefined> {
    const [entry] = await this.transport.readLog(keys.entry(id), 0);
    const parsed = MapProgressEntry.safeParse(entry);
    return parsed.success ? parsed.data : undefined;
  }

  end(id: string): void {
    if (!this.own.delete(id)) return;
    this.transport.expireLog(keys.entry(id), 0);
    void this.transport.release(keys.owner(id)).catch(() => undefined);
  }
}
