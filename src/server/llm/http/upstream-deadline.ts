import { LlmError } from '../../errors.ts';

/**
 * When an upstream call gives up. A stream has a first-byte limit and an idle limit (reset by every
 * chunk); a short call has one limit for the whole request. 0 switches a limit off.
 */
export type UpstreamTimeout = { firstByteMs: number; idleMs: number } | { totalMs: number };

/**
 * One AbortController for an upstream request that fires on the caller's abort or on a timeout.
 * `timeoutError` tells the two apart: a caller's abort passes through untouched, a timeout becomes
 * an `llm_timeout` error.
 */
export class UpstreamDeadline {
  readonly controller = new AbortController();
  timeoutError: LlmError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);

  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    private readonly timeout: UpstreamTimeout,
    private readonly label: string,
  ) {
    if (callerSignal?.aborted) this.controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    if ('totalMs' in timeout) this.arm(timeout.totalMs, `${label} did not answer within ${seconds(timeout.totalMs)} s`);
    else this.arm(timeout.firstByteMs, `${label} sent nothing for ${seconds(timeout.firstByteMs)} s`);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when the caller (not a timeout) cancelled the request. */
  get callerAborted(): boolean {
    return this.callerSignal?.aborted ?? false;
  }

  /** Something arrived: the idle clock starts again (a whole-request limit keeps running). */
  touch(): void {
    if ('totalMs' in this.timeout) return;
    this.arm(this.timeout.idleMs, `${this.label} stalled for ${seconds(this.timeout.idleMs)} s`);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private arm(ms: number, message: string): void {
    clearTimeout(this.timer);
    if (ms <= 0) return;
    this.timer = setTimeout(() => {
      this.timeoutError = new LlmError('llm_timeout', message);
      this.controller.abort(this.timeoutError);
    }, ms);
    this.timer.unref();
  }
}

function seconds(ms: number): string {
  return ms >= 10_000 ? String(Math.round(ms / 1000)) : String(Math.round(ms / 100) / 10);
}
