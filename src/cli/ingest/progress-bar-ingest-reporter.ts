import cliProgress from 'cli-progress';
import type { IngestFile, IngestOutcome } from '../backend/backend.ts';
import type { IngestReporter } from './ingest-reporter.ts';
import { type IngestSummary, outcomeLine, skippedLine } from './ingest-summary.ts';

type Bar = ReturnType<cliProgress.MultiBar['create']>;

/**
 * For a terminal: an overall bar and one bar per document in flight (stage and percent). A finished
 * document's bar becomes a permanent line above the bars; at most as many bars as the screen has room
 * for are shown, the other documents wait for a free row (the overall bar counts them all).
 */
export class ProgressBarIngestReporter implements IngestReporter {
  private readonly multibar: cliProgress.MultiBar;
  private overall: Bar | undefined;
  private readonly bars = new Map<IngestFile, Bar>();
  private readonly maxBars: number;

  constructor(
    private readonly summary: IngestSummary,
    private readonly output: NodeJS.WriteStream,
  ) {
    this.multibar = new cliProgress.MultiBar(
      {
        stream: output,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        autopadding: true,
        format: ' {bar} {percentage}% | {stage} | {name}',
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
    this.maxBars = Math.max(3, (output.rows ?? 24) - 4);
  }

  start(input: { heading: string }): void {
    this.multibar.log(`${input.heading}\n`);
    for (const skipped of this.summary.skipped) this.multibar.log(`${skippedLine(skipped)}\n`);
    this.overall = this.multibar.create(
      this.summary.total,
      0,
      { stage: '', name: '' },
      {
        format: ' {bar} {value}/{total} documents',
      },
    );
  }

  progress(file: IngestFile, update: { stage: string; progress: number }): void {
    let bar = this.bars.get(file);
    if (!bar) {
      if (this.bars.size >= this.maxBars) return;
      bar = this.multibar.create(100, 0, { stage: update.stage, name: file.displayPath });
      this.bars.set(file, bar);
    }
    bar.update(Math.round(update.progress), { stage: update.stage, name: file.displayPath });
  }

  outcome(file: IngestFile, outcome: IngestOutcome): void {
    this.summary.record(file, outcome);
    const bar = this.bars.get(file);
    if (bar) {
      this.multibar.remove(bar);
      this.bars.delete(file);
    }
    this.multibar.log(`${outcomeLine(file, outcome)}\n`);
    this.overall?.update(this.summary.done);
  }

  finish(input: { interrupted: string | undefined }): void {
    // Lines logged since the last redraw are written by a redraw; stop() alone would drop them.
    this.multibar.update();
    this.multibar.stop();
    if (input.interrupted) this.output.write(`${input.interrupted}\n`);
    if (this.summary.failures.length > 0) {
      this.output.write('\nFailed:\n');
      for (const failure of this.summary.failures) this.output.write(`  ${failure.file.displayPath}: ${failure.reason}\n`);
    }
    this.output.write(`${this.summary.line()}\n`);
  }
}
