import type { Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { INSTANCE_GONE_TOPIC, type PrimaryToWorker, WorkerToPrimary } from './primary-protocol.ts';

/**
 * The cluster primary's side of the IPC transport: it relays bus messages to the workers that
 * subscribed, holds the leases (a lease lives until released or until its worker dies, which the
 * primary sees at once) and the answers' event logs, which are small and short-lived.
 */
export class PrimaryBroker {
  private readonly subscriptions = new Map<string, Set<Worker>>();
  private readonly leases = new Map<string, { instanceId: string; worker: Worker }>();
  private readonly logs = new Map<string, { entries: unknown[]; timer: NodeJS.Timeout }>();
  private readonly instances = new Map<Worker, string>();
  private readonly metrics = new AggregatorRegistry();

  attach(worker: Worker): void {
    worker.on('message', (raw: unknown) => {
      if (!raw || typeof raw !== 'object' || (raw as { daa?: unknown }).daa !== 1) return;
      const parsed = WorkerToPrimary.safeParse(raw);
      if (parsed.success) this.handle(worker, parsed.data);
    });
  }

  /** A worker exited: forget its subscriptions, free its leases, and tell the others. */
  detach(worker: Worker): void {
    for (const workers of this.subscriptions.values()) workers.delete(worker);
    const instanceId = this.instances.get(worker);
    this.instances.delete(worker);
    for (const [key, lease] of this.leases) if (lease.worker === worker) this.leases.delete(key);
    if (instanceId) this.publish(INSTANCE_GONE_TOPIC, { instanceId });
  }

  private handle(worker: Worker, message: WorkerToPrimary): void {
    switch (message.op) {
      case 'hello':
        this.instances.set(worker, message.instanceId);
        return;
      case 'publish':
        this.publish(message.topic, message.message);
        return;
      case 'subscribe': {
        let workers = this.subscriptions.get(message.topic);
        if (!workers) this.subscriptions.set(message.topic, (workers = new Set()));
        workers.add(worker);
        return;
      }
      case 'unsubscribe':
        this.subscriptions.get(message.topic)?.delete(worker);
        if (this.subscriptions.get(message.topic)?.size === 0) this.subscriptions.delete(message.topic);
        return;
      case 'acquire': {
        const instanceId = this.instances.get(worker);
        const held = this.leases.get(message.key);
        const taken = !held && instanceId !== undefined;
        if (taken) this.leases.set(message.key, { instanceId, worker });
        this.reply(worker, message.id, taken || held?.worker === worker);
        return;
      }
      case 'release':
        if (this.leases.get(message.key)?.worker === worker) this.leases.delete(message.key);
        this.reply(worker, message.id, true);
        return;
      case 'holder':
        this.reply(worker, message.id, this.leases.get(message.key)?.instanceId ?? null);
        return;
      case 'resetLog': {
        const previous = this.logs.get(message.key);
        if (previous) clearTimeout(previous.timer);
        this.logs.set(message.key, { entries: [message.first], timer: this.expiry(message.key, message.ttlMs) });
        return;
      }
      case 'appendLog':
        this.logs.get(message.key)?.entries.push(message.entry);
        return;
      case 'readLog':
        this.reply(worker, message.id, this.logs.get(message.key)?.entries.slice(message.from) ?? []);
        return;
      case 'metrics':
        // Series stay apart: each worker labels its own with `instance`.
        this.metrics.clusterMetrics().then(
          (text: string) => this.send(worker, { daa: 1, op: 'metrics', id: message.id, text }),
          () => this.send(worker, { daa: 1, op: 'metrics', id: message.id, text: null }),
        );
        return;
      case 'expireLog': {
        const log = this.logs.get(message.key);
        if (!log) return;
        clearTimeout(log.timer);
        log.timer = this.expiry(message.key, message.ttlMs);
        return;
      }
    }
  }

  private expiry(key: string, ttlMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.logs.delete(key), ttlMs);
    timer.unref();
    return timer;
  }

  private publish(topic: string, message: unknown): void {
    for (const worker of this.subscriptions.get(topic) ?? []) this.send(worker, { daa: 1, op: 'message', topic, message });
  }

  private reply(worker: Worker, id: number, value: unknown): void {
    this.send(worker, { daa: 1, op: 'reply', id, value });
  }

  private send(worker: Worker, message: PrimaryToWorker): void {
    if (worker.isConnected()) worker.send(message, (error: Error | null) => void error);
  }
}
