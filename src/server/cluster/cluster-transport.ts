/**
 * What processes of one deployment share, and nothing more: a message bus, leases with an owner and
 * a time to live, and append-only logs. Two implementations: Redis (`REDIS_URL`, any number of
 * machines) and the cluster primary over IPC (`--workers N` on one machine without Redis). One
 * process without either needs none of this: the local ports keep everything in memory.
 */
export interface ClusterTransport {
  /** This process, as lease owner and fencing value (`host:pid:random`). */
  readonly instanceId: string;
  publish(topic: string, message: unknown): void;
  /** Returns the unsubscribe function. Messages of one publisher arrive in the order sent. */
  subscribe(topic: string, handler: (message: unknown) => void): () => void;
  /** Takes `key` for this instance unless someone holds it; true when taken. */
  tryAcquire(key: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease this instance holds; false when it was lost. */
  renew(key: string, ttlMs: number): Promise<boolean>;
  /** Gives back a lease, only if this instance still holds it. */
  release(key: string): Promise<void>;
  /** The instance holding `key`, or undefined. */
  holder(key: string): Promise<string | undefined>;
  /** Starts `key` afresh with its first entry (the previous log of that key is dropped). */
  resetLog(key: string, first: unknown, ttlMs: number): void;
  /** Appends in order (fire and forget; a later read sees it). */
  appendLog(key: string, entry: unknown): void;
  /** Entries from index `from` on (0-based). */
  readLog(key: string, from: number): Promise<unknown[]>;
  /** Keeps the log `ttlMs` more, then drops it. */
  expireLog(key: string, ttlMs: number): void;
  close(): Promise<void>;
}

export function newInstanceId(): string {
  return `${process.env.HOSTNAME ?? 'host'}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
}
