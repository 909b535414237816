import os from 'node:os';
import client from 'prom-client';
import type { AnswerMetrics } from '../chat/answer-metrics.ts';
import type { DomainEvents } from '../events/domain-events.ts';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const STAGE_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** This process's name in every series: the host and the cluster slot, or the pid of a lone process. */
export function metricsInstance(slot: number | undefined): string {
  return slot === undefined ? `${os.hostname()}:${process.pid}` : `${os.hostname()}:worker-${slot}`;
}

/**
 * The Prometheus metrics of one process (prom-client), every series labelled `instance`: Node's
 * defaults (event-loop lag, memory, CPU, GC), sockets, running answers, tokens streamed, retrieval and
 * first-token latency, ingestion queue depth and stage timings. Gauges that mirror state are read at
 * scrape time; the domain reports the rest through `answers` and its document progress events.
 */
export class ServerMetrics {
  readonly registry = new client.Registry();
  readonly answers: AnswerMetrics;
  private readonly stopListening: () => void;

  constructor(options: {
    instance: string;
    events: DomainEvents;
    runningAnswers: () => number;
    /** Documents waiting or being ingested; only the process that runs the job loop reports it. */
    queueDepth?: () => Promise<number>;
  }) {
    this.registry.setDefaultLabels({ instance: options.instance });
    client.collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    const registers = [this.registry];
    new client.Gauge({
      name: 'daa_running_answers',
      help: 'Answers generating in this process',
      registers,
      collect() {
        this.set(options.runningAnswers());
      },
    });
    const tokens = new client.Counter({
      name: 'daa_tokens_streamed_total',
      help: 'message_token events sent (tokens of one network read are merged into one event)',
      registers,
    });
    const retrieval = new client.Histogram({
      name: 'daa_retrieval_seconds',
      help: 'Passage retrieval time per question',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const firstToken = new client.Histogram({
      name: 'daa_first_token_seconds',
      help: 'From a question to its first answer token',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.answers = {
      retrievalSeconds: (seconds) => retrieval.observe(seconds),
      firstTokenSeconds: (seconds) => firstToken.observe(seconds),
      tokensStreamed: (count) => tokens.inc(count),
    };
    if (options.queueDepth) {
      const queueDepth = options.queueDepth;
      new client.Gauge({
        name: 'daa_ingest_queue_depth',
        help: 'Documents queued or being ingested',
        registers,
        async collect() {
          this.set(await queueDepth().catch(() => Number.NaN));
        },
      });
    }
    const stages = new client.Histogram({
      name: 'daa_ingest_stage_seconds',
      help: 'Time a document spent in each ingestion stage (parsing, chunking, embedding, indexing)',
      labelNames: ['stage'],
      buckets: STAGE_BUCKETS,
      registers,
    });
    // A stage ends when the document's next progress report names another stage.
    const current = new Map<number, { stage: string; since: number }>();
    this.stopListening = options.events.subscribe((event) => {
      if (event.type === 'documentDeleted') current.delete(event.documentId);
      if (event.type !== 'documentProgress') return;
      const now = performance.now();
      const previous = current.get(event.documentId);
      if (previous && previous.stage !== event.stage) stages.observe({ stage: previous.stage }, (now - previous.since) / 1000);
      if (event.stage === 'completed' || event.stage === 'failed') current.delete(event.documentId);
      else if (!previous || previous.stage !== event.stage) current.set(event.documentId, { stage: event.stage, since: now });
    });
  }

  /** The sockets of this process, read at scrape time. */
  watchConnections(count: () => number): void {
    new client.Gauge({
      name: 'daa_socket_connections',
      help: 'Socket.IO connections open on this process',
      registers: [this.registry],
      collect() {
        this.set(count());
      },
    });
  }

  close(): void {
    this.stopListening();
  }
}
