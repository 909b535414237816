import type { PrimaryToWorker } from './primary-protocol.ts';

/**
 * A `--workers` worker's way to every worker's metrics on its machine: the primary gathers them over
 * IPC (prom-client's AggregatorRegistry). It is apart from the ClusterTransport because the primary's
 * IPC exists whatever coordinates the processes (the primary or Redis), and a scrape of one machine
 * should cover all its workers in both cases. Replies have their own op, so ids never mix with the
 * transport's.
 */
export class PrimaryMetrics {
  private readonly pending = new Map<number, (text: string | undefined) => void>();
  private nextId = 1;
  private readonly onMessage = (raw: unknown) => {
    const message = raw as PrimaryToWorker | undefined;
    if (!message || typeof message !== 'object' || message.daa !== 1 || message.op !== 'metrics') return;
    this.pending.get(message.id)?.(typeof message.text === 'string' ? message.text : undefined);
    this.pending.delete(message.id);
  };

  constructor(private readonly timeoutMs = 10_000) {
    if (!process.send) throw new Error('PrimaryMetrics runs only in a cluster worker');
    process.on('message', this.onMessage);
  }

  /** Every worker's series in one Prometheus text; rejects when the primary cannot gather them. */
  gather(): Promise<string> {
    const id = this.nextId++;
    return new Promise<string | undefined>((resolve) => {
      // The primary gives up on a silent worker after 5 s; this bounds a primary that never answers.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(undefined);
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      if (process.connected) process.send!({ daa: 1, op: 'metrics', id }, undefined, undefined, (error: Error | null) => void error);
    }).then((text) => {
      if (text === undefined) throw new Error('The cluster primary did not return metrics');
      return text;
    });
  }

  close(): void {
    process.off('message', this.onMessage);
    for (const resolve of this.pending.values()) resolve(undefined);
    this.pending.clear();
  }
}
