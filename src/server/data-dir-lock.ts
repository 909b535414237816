import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The lock file's name inside DATA_DIR. */
export const LOCK_FILE_NAME = 'server.json';

/**
 * Who runs a data dir: the server (with the URL a command line can reach it at) or a `daa` command
 * that processes its own ingestion while no server runs (`url: null`).
 */
export const DataDirLock = z.object({
  pid: z.number().int().positive(),
  url: z.string().url().nullable(),
  started_at: z.string(),
  owner: z.enum(['server', 'cli']).default('server'),
  /**
   * Set when the holder coordinates with other processes through Redis (its `REDIS_PREFIX`): another
   * server with the same value may run on this data dir beside it. The workers of a `--workers`
   * primary take no lock at all: the primary holds it for them.
   */
  shared_by: z.string().optional(),
});
export type DataDirLock = z.infer<typeof DataDirLock>;

export class DataDirInUseError extends Error {
  constructor(readonly lock: DataDirLock) {
    super(
      lock.owner === 'server'
        ? `This data dir is in use by another server (pid ${lock.pid}${lock.url ? `, ${lock.url}` : ''}); stop it or choose another DATA_DIR`
        : `This data dir is in use by a daa command (pid ${lock.pid}); wait for it to finish or choose another DATA_DIR`,
    );
    this.name = 'DataDirInUseError';
  }
}

export interface HeldDataDirLock {
  readonly lock: DataDirLock;
  /** Records the URL once the server listens. */
  setUrl(url: string): void;
  /** Removes the lock file, if it is still this holder's. */
  release(): void;
}

/**
 * The live lock of `dataDir`, or undefined when there is none, it is unreadable, or the process that
 * wrote it is gone (a crash or kill leaves a stale lock behind; it is ignored).
 */
export function readDataDirLock(dataDir: string): DataDirLock | undefined {
  const lock = readLockFile(lockPath(dataDir));
  return lock && isAlive(lock.pid) ? lock : undefined;
}

/**
 * Takes the data dir for this process: creates the lock file exclusively, replacing a stale one.
 * Throws DataDirInUseError when another live process holds it. The same process may take it again
 * (several in-process servers in one test run share a pid).
 */
export function acquireDataDirLock(options: {
  dataDir: string;
  owner: DataDirLock['owner'];
  url?: string | null;
  /** Shares the data dir with live servers that give the same value (see `shared_by`). */
  sharedBy?: string;
}): HeldDataDirLock {
  const filePath = lockPath(options.dataDir);
  fs.mkdirSync(options.dataDir, { recursive: true });
  let lock: DataDirLock = {
    pid: process.pid,
    url: options.url ?? null,
    started_at: new Date().toISOString(),
    owner: options.owner,
    ...(options.sharedBy ? { shared_by: options.sharedBy } : {}),
  };
  for (let attempt = 0; ; attempt += 1) {
    try {
      fs.writeFileSync(filePath, JSON.stringify(lock), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
        throw new Error(`The data dir ${options.dataDir} is read-only for this process (cannot create ${filePath}); make it writable`, {
          cause: error,
        });
      }
      if (code !== 'EEXIST' || attempt >= 3) throw error;
      const existing = readLockFile(filePath);
      if (existing && existing.pid !== process.pid && isAlive(existing.pid)) {
        if (options.sharedBy !== undefined && existing.shared_by === options.sharedBy) return sharedHandle(existing);
        throw new DataDirInUseError(existing);
      }
      fs.rmSync(filePath, { force: true });
    }
  }
  return {
    get lock() {
      return lock;
    },
    setUrl(url) {
      lock = { ...lock, url };
      // Replaced by rename, so that a reader never sees half a file.
      const temporary = `${filePath}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify(lock), { mode: 0o600 });
      fs.renameSync(temporary, filePath);
    },
    release() {
      const current = readLockFile(filePath);
      if (current && current.pid === lock.pid && current.started_at === lock.started_at) fs.rmSync(filePath, { force: true });
    },
  };
}

/** A sibling server's lock, held by it: this process neither rewrites nor removes it. */
function sharedHandle(existing: DataDirLock): HeldDataDirLock {
  return {
    lock: existing,
    setUrl() {},
    release() {},
  };
}

function lockPath(dataDir: string): string {
  return path.join(dataDir, LOCK_FILE_NAME);
}

function readLockFile(filePath: string): DataDirLock | undefined {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = DataDirLock.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
