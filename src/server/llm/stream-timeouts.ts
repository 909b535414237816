import { LlmError } from '../errors.ts';

/**
 * One AbortController for an upstream request that fires on the caller's abort, on a first-token
 * timeout, or on an idle gap between chunks. `touch()` is called for every chunk received.
 */
export class UpstreamDeadline {
  readonly controller = new AbortController();
  timeoutError: LlmError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal.reason);

  constructor(
    private readonly callerSignal: AbortSignal,
    private readonly limits: { firstTokenMs: number; idleMs: number; label: string },
  ) {
    if (callerSignal.aborted) this.controller.abort(callerSignal.reason);
    else callerSignal.addEventListener('abort', this.onCallerAbort, { once: true });
    this.arm(limits.firstTokenMs, `${limits.label} sent nothing for ${seconds(limits.firstTokenMs)} s`);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Something arrived: the idle clock starts again. */
  touch(): void {
    this.arm(this.limits.idleMs, `${this.limits.label} stalled for ${seconds(this.limits.idleMs)} s`);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal.removeEventListener('abort', this.onCallerAbort);
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

/**
 * Splits a byte stream into lines (NDJSON), decoding UTF-8 across chunk boundaries. Yields the
 * complete lines of each network read together, so a burst of tokens costs one event, not hundreds.
 */
export async function* readLineBatches(body: AsyncIterable<Uint8Array>, onChunk: () => void): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body) {
    onChunk();
    buffered += decoder.decode(chunk, { stream: true });
    const lastNewline = buffered.lastIndexOf('\n');
    if (lastNewline === -1) continue;
    const lines = buffered.slice(0, lastNewline).split('\n');
    buffered = buffered.slice(lastNewline + 1);
    const complete = lines.map((line) => line.trim()).filter(Boolean);
    if (complete.length > 0) yield complete;
  }
  buffered += decoder.decode();
  if (buffered.trim()) yield [buffered.trim()];
}

/** Maps a failed `fetch` (refused, DNS, reset) to a clear upstream error. */
export function networkError(error: unknown, label: string, url: string): LlmError {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND'
        ? 'host not found'
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
          ? 'connection reset'
          : code ?? (error instanceof Error ? error.message : 'network error');
  return new LlmError('llm_unavailable', `Cannot reach ${label} at ${url}: ${reason}`, { cause: error });
}

function seconds(ms: number): string {
  return ms >= 10_000 ? String(Math.round(ms / 1000)) : String(Math.round(ms / 100) / 10);
}

/** The lines of an NDJSON byte stream, one at a time. */
export async function* readLines(body: AsyncIterable<Uint8Array>, onChunk: () => void): AsyncGenerator<string> {
  for await (const batch of readLineBatches(body, onChunk)) yield* batch;
}
