import type { GenerationEvent } from './generation-event.ts';
import type { Generation, GenerationListener, StopReason } from './generation.ts';

/**
 * A running (or just finished) answer as a reader sees it, whichever process generates it: the log
 * so far (a cursor reads it at its own pace), live notifications, and stop.
 */
export interface RunningAnswer {
  readonly chatId: number;
  readonly finished: boolean;
  readonly events: readonly GenerationEvent[];
  subscribe(listener: GenerationListener): () => void;
  stop(reason: StopReason): void;
  whenFinished(): Promise<void>;
}

/**
 * The port for running answers: one per chat across every process, found and stopped from any
 * process. `GenerationRegistry` is the one-process implementation; `ClusterGenerationRegistry`
 * shares the busy check, the event log and stop through a ClusterTransport.
 */
export interface RunningAnswers {
  /** Starts this process's answer in a chat; throws BusyError while one runs there (anywhere). */
  start(chatId: number, projectId: number): Generation | Promise<Generation>;
  /** The chat's answer, local or remote, while it runs or is retained for a late resume. */
  find(chatId: number): RunningAnswer | undefined | Promise<RunningAnswer | undefined>;
  /** The answers this process generates (health, metrics). */
  active(): Generation[];
  /** On shutdown: interrupts this process's answers and waits (bounded) until each is saved. */
  drain(timeoutMs: number): Promise<void>;
  close?(): Promise<void>;
}
