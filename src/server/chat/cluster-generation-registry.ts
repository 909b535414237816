import type { ClusterTransport } from '../cluster/cluster-transport.ts';
import { BusyError } from '../errors.ts';
import { isTerminal } from './generation-event.ts';
import type { Generation, StopReason } from './generation.ts';
import { GenerationRegistry } from './generation-registry.ts';
import { RemoteGeneration } from './remote-generation.ts';
import type { RunningAnswer, RunningAnswers } from './running-answers.ts';
import { answerKeys, eventToLog, type LogHeader } from './shared-answer-log.ts';

/**
 * Running answers across processes. The process that starts an answer holds the chat's lease (the
 * cluster-wide busy check and its liveness signal) and copies every event into the shared log;
 * its own sockets keep reading the in-memory Generation. Any other process finds the answer through
 * the log (RemoteGeneration) and stops it through the bus.
 */
export class ClusterGenerationRegistry implements RunningAnswers {
  private readonly local: GenerationRegistry;
  private readonly watchers = new Map<string, () => void>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly transport: ClusterTransport,
    private readonly options: { graceMs: number; retainMs: number; leaseMs: number; answerMaxMs: number },
  ) {
    this.local = new GenerationRegistry(options);
    this.unsubscribe.push(
      transport.subscribe(answerKeys.stop, (message) => {
        const { chatId, reason } = message as { chatId: number; reason: StopReason };
        this.local.get(chatId)?.stop(reason);
      }),
      transport.subscribe(answerKeys.watch, (message) => {
        const { chatId, watchId, watching } = message as { chatId: number; watchId: string; watching: boolean };
        const generation = this.local.get(chatId);
        if (watching && generation && !generation.finished && !this.watchers.has(watchId)) {
          // A no-op listener: the remote reader counts for the grace period like a local one.
          this.watchers.set(
            watchId,
            generation.subscribe(() => {}),
          );
          void generation.whenFinished().then(() => this.watchers.delete(watchId));
        } else if (!watching) {
          this.watchers.get(watchId)?.();
          this.watchers.delete(watchId);
        }
      }),
    );
  }

  async start(chatId: number, projectId: number): Promise<Generation> {
    const busy = () => new BusyError(`An answer is already being generated in chat ${chatId}; stop it or wait for it to finish`);
    const existing = this.local.get(chatId);
    if (existing && !existing.finished) throw busy();
    const lease = answerKeys.lease(chatId);
    if (!(await this.transport.tryAcquire(lease, this.options.leaseMs))) throw busy();
    let generation: Generation;
    try {
      generation = this.local.start(chatId, projectId);
    } catch (error) {
      await this.transport.release(lease);
      throw error;
    }
    const logKey = answerKeys.log(chatId);
    const header: LogHeader = { header: true, projectId, owner: this.transport.instanceId };
    // A safety expiry from the start: a log outlives a dead owner only so long.
    this.transport.resetLog(logKey, header, this.options.answerMaxMs + this.options.retainMs + this.options.leaseMs);
    const renew = setInterval(() => void this.transport.renew(lease, this.options.leaseMs).catch(() => false), this.options.leaseMs / 3);
    renew.unref();
    generation.tap((event) => {
      this.transport.appendLog(logKey, eventToLog(event));
      this.transport.publish(answerKeys.appended(chatId), 1);
      if (isTerminal(event)) {
        clearInterval(renew);
        this.transport.expireLog(logKey, this.options.retainMs);
        void this.transport.release(lease).catch(() => undefined);
      }
    });
    return generation;
  }

  async find(chatId: number): Promise<RunningAnswer | undefined> {
    const local = this.local.get(chatId);
    if (local) return local;
    const entries = await this.transport.readLog(answerKeys.log(chatId), 0);
    const header = entries[0] as LogHeader | undefined;
    if (!header?.header || header.owner === this.transport.instanceId) return undefined;
    return new RemoteGeneration(chatId, this.transport, entries);
  }

  /** Local answers only: test helpers and the one-process code read them synchronously. */
  get(chatId: number): Generation | undefined {
    return this.local.get(chatId);
  }

  active(): Generation[] {
    return this.local.active();
  }

  drain(timeoutMs: number): Promise<void> {
    return this.local.drain(timeoutMs);
  }

  async close(): Promise<void> {
    for (const stop of this.unsubscribe.splice(0)) stop();
  }
}
