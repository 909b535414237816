import type { IngestFile, IngestOutcome } from '../backend/backend.ts';
import type { IngestReporter } from './ingest-reporter.ts';
import { type IngestSummary, outcomeLine, skippedLine } from './ingest-summary.ts';

/** For a pipe or a file: one line per document as it finishes, then the summary. No progress noise. */
export class PlainIngestReporter implements IngestReporter {
  constructor(
    private readonly summary: IngestSummary,
    private readonly output: NodeJS.WritableStream,
  ) {}

  start(input: { heading: string }): void {
    this.output.write(`${input.heading}\n`);
    for (const skipped of this.summary.skipped) this.output.write(`${skippedLine(skipped)}\n`);
  }

  progress(): void {}

  outcome(file: IngestFile, outcome: IngestOutcome): void {
    this.summary.record(file, outcome);
    this.output.write(`${outcomeLine(file, outcome)}\n`);
  }

  finish(input: { interrupted: string | undefined }): void {
    if (input.interrupted) this.output.write(`${input.interrupted}\n`);
    this.output.write(`${this.summary.line()}\n`);
  }
}
