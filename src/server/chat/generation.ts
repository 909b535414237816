import { type GenerationEvent, isTerminal } from './generation-event.ts';

export type GenerationListener = (event: GenerationEvent) => void;
export type StopReason = 'stopped' | 'interrupted';

/**
 * A running answer, decoupled from whoever asked for it. It keeps its events, so a client that
 * reconnects can resume after the last `seq` it saw, and it notices when nobody listens any more:
 * after a grace period with no listener it aborts the upstream request (saved as interrupted).
 */
export class Generation {
  readonly abortController = new AbortController();
  stopReason: StopReason | undefined;
  private readonly log: GenerationEvent[] = [];
  private readonly listeners = new Set<GenerationListener>();
  private readonly taps: GenerationListener[] = [];
  private graceTimer: NodeJS.Timeout | undefined;
  private settled = false;
  private readonly finishedCallbacks: Array<() => void> = [];

  constructor(
    readonly chatId: number,
    readonly projectId: number,
    private readonly graceMs: number,
  ) {}

  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  get finished(): boolean {
    return this.settled;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Every event published so far, in order: a slow listener reads it at its own pace (a cursor). */
  get events(): readonly GenerationEvent[] {
    return this.log;
  }

  /** Records an event and hands it to every listener, in order. */
  publish(event: GenerationEvent): void {
    if (this.settled) return;
    this.log.push(event);
    for (const tap of this.taps) tap(event);
    for (const listener of [...this.listeners]) listener(event);
    if (isTerminal(event)) {
      this.settled = true;
      clearTimeout(this.graceTimer);
      this.listeners.clear();
      for (const callback of this.finishedCallbacks.splice(0)) callback();
    }
  }

  /**
   * Listens from now on. With `afterSeq`, first replays what the listener missed: the sources, the
   * tokens with a greater `seq`, and the final event if the answer already ended.
   */
  subscribe(listener: GenerationListener, options: { afterSeq?: number; includeReceived?: boolean } = {}): () => void {
    if (options.afterSeq !== undefined) {
      for (const event of this.log) {
        if (event.type === 'received' && !options.includeReceived) continue;
        if (event.type === 'token' && event.seq <= options.afterSeq) continue;
        listener(event);
      }
    }
    if (this.settled) return () => {};
    this.listeners.add(listener);
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0 && !this.settled) this.startGracePeriod();
    };
  }

  /**
   * Sees every event as it is published, without counting as a listener (the grace period ignores
   * it): the cluster registry copies the events into the shared log this way.
   */
  tap(listener: GenerationListener): void {
    for (const event of this.log) listener(event);
    this.taps.push(listener);
  }

  /** Aborts the upstream request; the run saves what it has with the matching status. */
  stop(reason: StopReason): void {
    if (this.settled || this.signal.aborted) return;
    this.stopReason = reason;
    this.abortController.abort();
  }

  /** Resolves once the final event has been published. */
  whenFinished(): Promise<void> {
    if (this.settled) return Promise.resolve();
    return new Promise((resolve) => this.finishedCallbacks.push(resolve));
  }

  private startGracePeriod(): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => this.stop('interrupted'), this.graceMs);
    this.graceTimer.unref();
  }
}
