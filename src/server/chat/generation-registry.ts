import { BusyError } from '../errors.ts';
import { Generation } from './generation.ts';
import type { RunningAnswers } from './running-answers.ts';

/**
 * The answers being generated in this process, one per chat at most. A finished answer stays
 * replayable for a while so a client that reconnects just after the end still gets it.
 */
export class GenerationRegistry implements RunningAnswers {
  private readonly generations = new Map<number, Generation>();

  constructor(private readonly options: { graceMs: number; retainMs: number }) {}

  /** Starts a generation for a chat; throws BusyError while one is still running there. */
  start(chatId: number, projectId: number): Generation {
    const existing = this.generations.get(chatId);
    if (existing && !existing.finished) {
      throw new BusyError(`An answer is already being generated in chat ${chatId}; stop it or wait for it to finish`);
    }
    const generation = new Generation(chatId, projectId, this.options.graceMs);
    this.generations.set(chatId, generation);
    void generation.whenFinished().then(() => {
      const timer = setTimeout(() => {
        if (this.generations.get(chatId) === generation) this.generations.delete(chatId);
      }, this.options.retainMs);
      timer.unref();
    });
    return generation;
  }

  get(chatId: number): Generation | undefined {
    return this.generations.get(chatId);
  }

  find(chatId: number): Generation | undefined {
    return this.generations.get(chatId);
  }

  /** Generations not yet finished. */
  active(): Generation[] {
    return [...this.generations.values()].filter((generation) => !generation.finished);
  }

  /** On shutdown: interrupt everything and wait (bounded) until each has saved its partial answer. */
  async drain(timeoutMs: number): Promise<void> {
    const running = this.active();
    for (const generation of running) generation.stop('interrupted');
    await Promise.race([
      Promise.all(running.map((generation) => generation.whenFinished())),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }
}
