import fs from 'node:fs/promises';
import path from 'node:path';
import type { ClusterTransport } from './cluster-transport.ts';

/**
 * That a process is alive, for the others that share its data dir: a lease `instance:<name>` it
 * renews while it runs. A process's own temp folders (uploads, imports being unpacked) are named
 * after it, so a process that starts removes only the folders of processes whose lease is gone:
 * its own earlier life, or a peer that died. A live peer's uploads in flight are never touched.
 */
export class InstancePresence {
  /** This process's folder name: its instance id with only safe characters. */
  readonly name: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly transport: ClusterTransport,
    private readonly ttlMs: number,
  ) {
    this.name = folderName(transport.instanceId);
  }

  async start(): Promise<void> {
    await this.transport.tryAcquire(this.key(this.name), this.ttlMs);
    this.timer = setInterval(() => {
      void this.transport
        .renew(this.key(this.name), this.ttlMs)
        .then((held) => (held ? true : this.transport.tryAcquire(this.key(this.name), this.ttlMs)))
        .catch(() => false);
    }, this.ttlMs / 3);
    this.timer.unref();
  }

  async isAlive(name: string): Promise<boolean> {
    return name === this.name || (await this.transport.holder(this.key(name))) !== undefined;
  }

  /**
   * Removes the sub-folders of `parent` that belong to no live process. Loose files (an older
   * version wrote them straight into `parent`) are removed once `looseAfterMs` old.
   */
  async removeFoldersOfGoneProcesses(parent: string, looseAfterMs = 3_600_000): Promise<number> {
    let removed = 0;
    const entries = await fs.readdir(parent, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(parent, entry.name);
      if (entry.isDirectory()) {
        if (await this.isAlive(entry.name)) continue;
      } else {
        const stat = await fs.stat(full).catch(() => undefined);
        if (!stat || Date.now() - stat.mtimeMs < looseAfterMs) continue;
      }
      await fs.rm(full, { recursive: true, force: true });
      removed += 1;
    }
    return removed;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.transport.release(this.key(this.name)).catch(() => undefined);
  }

  private key(name: string): string {
    return `instance:${name}`;
  }
}

function folderName(instanceId: string): string {
  return instanceId.replace(/[^A-Za-z0-9._-]/g, '_');
}
