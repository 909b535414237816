import type { ClusterTransport } from '../cluster/cluster-transport.ts';
import type { CancelReason, IngestJobRunner } from './job-runner.ts';

/**
 * Wake-ups and cancels of ingestion jobs. One process: the runner itself. Several: every process's
 * runner gets them (the job may run on any process; one that runs no jobs ignores them).
 */
export type JobSignals = Pick<IngestJobRunner, 'wake' | 'cancelDocument' | 'cancelProject'>;

type Signal =
  | { kind: 'wake' }
  | { kind: 'cancelDocument'; documentId: number; reason: CancelReason }
  | { kind: 'cancelProject'; projectId: number };

const TOPIC = 'ingest-jobs';

export class ClusterJobSignals implements JobSignals {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly runner: IngestJobRunner,
    private readonly transport: ClusterTransport,
  ) {
    this.unsubscribe = transport.subscribe(TOPIC, (message) => this.apply(message as Signal));
  }

  wake(): void {
    this.send({ kind: 'wake' });
  }

  cancelDocument(documentId: number, reason: CancelReason): void {
    this.send({ kind: 'cancelDocument', documentId, reason });
  }

  cancelProject(projectId: number): void {
    this.send({ kind: 'cancelProject', projectId });
  }

  close(): void {
    this.unsubscribe();
  }

  /** Applied here at once, and on every other process through the bus (this one's echo is skipped). */
  private send(signal: Signal): void {
    this.apply(signal);
    this.transport.publish(TOPIC, { ...signal, from: this.transport.instanceId });
  }

  private apply(signal: Signal & { from?: string }): void {
    if (signal.from === this.transport.instanceId) return;
    if (signal.kind === 'wake') this.runner.wake();
    else if (signal.kind === 'cancelDocument') this.runner.cancelDocument(signal.documentId, signal.reason);
    else this.runner.cancelProject(signal.projectId);
  }
}
