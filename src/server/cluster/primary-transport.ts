import { type ClusterTransport, newInstanceId } from './cluster-transport.ts';
import type { PrimaryToWorker, WorkerToPrimary } from './primary-protocol.ts';

type Payload = WorkerToPrimary extends infer M ? (M extends unknown ? Omit<M, 'daa'> : never) : never;
type Request = Extract<Payload, { id: number }> extends infer M ? (M extends unknown ? Omit<M, 'id'> : never) : never;

/** A cluster worker's transport: every call goes to the primary's broker over the IPC channel. */
export class PrimaryTransport implements ClusterTransport {
  readonly instanceId = newInstanceId();
  private readonly handlers = new Map<string, Set<(message: unknown) => void>>();
  private readonly pending = new Map<number, (value: unknown) => void>();
  private nextId = 1;
  private readonly onMessage = (raw: unknown) => {
    const message = raw as PrimaryToWorker | undefined;
    if (!message || typeof message !== 'object' || message.daa !== 1) return;
    if (message.op === 'reply') {
      this.pending.get(message.id)?.(message.value);
      this.pending.delete(message.id);
    } else if (message.op === 'message') {
      for (const handler of [...(this.handlers.get(message.topic) ?? [])]) handler(message.message);
    }
  };

  constructor() {
    if (!process.send) throw new Error('PrimaryTransport runs only in a cluster worker');
    process.on('message', this.onMessage);
    this.send({ op: 'hello', instanceId: this.instanceId });
  }

  publish(topic: string, message: unknown): void {
    this.send({ op: 'publish', topic, message });
  }

  subscribe(topic: string, handler: (message: unknown) => void): () => void {
    let handlers = this.handlers.get(topic);
    if (!handlers) {
      this.handlers.set(topic, (handlers = new Set()));
      this.send({ op: 'subscribe', topic });
    }
    handlers.add(handler);
    return () => {
      const current = this.handlers.get(topic);
      if (!current?.delete(handler) || current.size > 0) return;
      this.handlers.delete(topic);
      this.send({ op: 'unsubscribe', topic });
    };
  }

  async tryAcquire(key: string): Promise<boolean> {
    return (await this.request({ op: 'acquire', key })) === true;
  }

  /** The primary frees a lease only when its worker dies, so a held lease needs no renewal. */
  async renew(key: string): Promise<boolean> {
    return (await this.holder(key)) === this.instanceId;
  }

  async release(key: string): Promise<void> {
    await this.request({ op: 'release', key });
  }

  async holder(key: string): Promise<string | undefined> {
    return ((await this.request({ op: 'holder', key })) as string | null) ?? undefined;
  }

  resetLog(key: string, first: unknown, ttlMs: number): void {
    this.send({ op: 'resetLog', key, first, ttlMs });
  }

  appendLog(key: string, entry: unknown): void {
    this.send({ op: 'appendLog', key, entry });
  }

  async readLog(key: string, from: number): Promise<unknown[]> {
    return (await this.request({ op: 'readLog', key, from })) as unknown[];
  }

  expireLog(key: string, ttlMs: number): void {
    this.send({ op: 'expireLog', key, ttlMs });
  }

  async close(): Promise<void> {
    process.off('message', this.onMessage);
    for (const resolve of this.pending.values()) resolve(undefined);
    this.pending.clear();
  }

  private request(payload: Request): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ ...payload, id } as unknown as Payload);
    });
  }

  private send(payload: Payload): void {
    if (process.connected) process.send!({ daa: 1, ...payload }, undefined, undefined, (error: Error | null) => void error);
  }
}
