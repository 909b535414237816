import type { ClusterTransport } from '../cluster/cluster-transport.ts';
import { SerialByKey } from './serial-by-key.ts';

/**
 * Runs read-modify-write tasks of one key one at a time (project settings, global settings). The
 * one-process implementation is SerialByKey; ClusterKeyedLock also holds a shared lease, so tasks of
 * one key never overlap across processes either.
 */
export interface KeyedLock {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export class LocalKeyedLock implements KeyedLock {
  private readonly serial = new SerialByKey<string>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.serial.run(key, task);
  }
}

/** Longest a task may hold a key before another process may take it (a dead holder's lease ends). */
const LOCK_TTL_MS = 30_000;

export class ClusterKeyedLock implements KeyedLock {
  // In-process order first, so one process never polls against itself.
  private readonly serial = new SerialByKey<string>();

  constructor(private readonly transport: ClusterTransport) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.serial.run(key, async () => {
      const lease = `lock:${key}`;
      for (let wait = 2; !(await this.transport.tryAcquire(lease, LOCK_TTL_MS)); wait = Math.min(wait * 2, 50)) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      try {
        return await task();
      } finally {
        await this.transport.release(lease);
      }
    });
  }
}
