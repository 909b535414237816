import type { IngestFile, IngestOutcome } from '../backend/backend.ts';
import { ExitCode } from '../exit-codes.ts';
import type { SkippedFile } from './collect-files.ts';

/** What an ingest run came to: counts, every failure with its reason, and the exit code. */
export class IngestSummary {
  completed = 0;
  duplicates = 0;
  readonly failures: Array<{ file: IngestFile; reason: string }> = [];

  constructor(
    readonly total: number,
    readonly skipped: SkippedFile[],
  ) {}

  record(file: IngestFile, outcome: IngestOutcome): void {
    if (outcome.kind === 'completed') this.completed += 1;
    else if (outcome.kind === 'duplicate') this.duplicates += 1;
    else this.failures.push({ file, reason: outcome.reason });
  }

  get done(): number {
    return this.completed + this.duplicates + this.failures.length;
  }

  /** Duplicates and skipped files are reported, not failures. */
  get exitCode(): ExitCode {
    return this.failures.length > 0 ? ExitCode.failed : ExitCode.ok;
  }

  line(): string {
    const parts = [`${this.completed} completed`];
    if (this.duplicates) parts.push(`${this.duplicates} duplicate${this.duplicates === 1 ? '' : 's'}`);
    parts.push(`${this.failures.length} failed`);
    const waiting = this.total - this.done;
    if (waiting > 0) parts.push(`${waiting} not finished`);
    const skipped = this.skipped.length ? `; ${this.skipped.length} file${this.skipped.length === 1 ? '' : 's'} skipped` : '';
    return `${this.total} document${this.total === 1 ? '' : 's'}: ${parts.join(', ')}${skipped}`;
  }
}

/** One line per finished document, the same in both reporters. */
export function outcomeLine(file: IngestFile, outcome: IngestOutcome): string {
  switch (outcome.kind) {
    case 'completed':
      return `completed  ${file.displayPath}${outcome.chunks !== undefined ? ` (${outcome.chunks} chunk${outcome.chunks === 1 ? '' : 's'})` : ''}`;
    case 'duplicate':
      return `duplicate  ${file.displayPath}: ${outcome.reason}`;
    case 'failed':
      return `failed     ${file.displayPath}: ${outcome.reason}`;
  }
}

export function skippedLine(skipped: SkippedFile): string {
  return `skipped    ${skipped.displayPath}: ${skipped.reason}`;
}
