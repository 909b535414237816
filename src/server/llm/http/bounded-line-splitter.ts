import { LlmError } from '../../errors.ts';

/**
 * The longest line (NDJSON) or event (SSE) an upstream may send: 1 MiB. A real chunk is well under
 * 1 KiB; without a bound, a stream that never sends a newline is buffered until memory runs out
 * (one was measured at 923 MB).
 */
export const MAX_UPSTREAM_LINE_BYTES = 1024 * 1024;

export function lineTooLongError(label: string, maxLineBytes: number): LlmError {
  return new LlmError(
    'llm_bad_response',
    `${label} sent more than ${formatBytes(maxLineBytes)} without a line break; the stream was stopped`,
  );
}

/**
 * Splits a byte stream into lines at `\n`, holding at most `maxLineBytes` of an unfinished line.
 * Works on bytes (a UTF-8 multi-byte character never contains 0x0A), so a huge line is never decoded
 * into an equally huge string before it is refused.
 */
export class BoundedLineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly decoder = new TextDecoder();

  constructor(private readonly options: { maxLineBytes: number; label: string }) {}

  /** The lines completed by this chunk (without their `\n`). Throws once a line passes the limit. */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    const first = chunk.indexOf(10);
    if (first !== -1 && this.pendingBytes > 0) {
      this.hold(chunk.subarray(0, first));
      lines.push(this.take());
      start = first + 1;
    }
    // The whole lines of this read, decoded at once without copying (the hot path: one read holds
    // many short NDJSON lines). Each stays within the limit, checked before it is decoded.
    const last = chunk.lastIndexOf(10);
    if (last >= start) {
      for (let newline = chunk.indexOf(10, start), from = start; newline !== -1 && newline <= last; newline = chunk.indexOf(10, from)) {
        if (newline - from > this.options.maxLineBytes) throw lineTooLongError(this.options.label, this.options.maxLineBytes);
        from = newline + 1;
      }
      const text = this.decoder.decode(chunk.subarray(start, last));
      for (const line of text.split('\n')) lines.push(line);
      start = last + 1;
    }
    // Copied: a view would keep the whole network buffer alive.
    this.hold(chunk.slice(start));
    return lines;
  }

  /** What is left after the last newline, if anything. */
  end(): string | undefined {
    return this.pendingBytes > 0 ? this.take() : undefined;
  }

  private hold(part: Uint8Array): void {
    if (part.length === 0) return;
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.options.maxLineBytes) {
      this.pending = [];
      throw lineTooLongError(this.options.label, this.options.maxLineBytes);
    }
    this.pending.push(part);
  }

  private take(): string {
    const bytes = new Uint8Array(this.pendingBytes);
    let offset = 0;
    for (const part of this.pending) {
      bytes.set(part, offset);
      offset += part.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    return this.decoder.decode(bytes);
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
