import type { IngestListener } from '../backend/backend.ts';
import type { IngestSummary } from './ingest-summary.ts';

/** Shows an ingest run: progress bars on a terminal, one line per document otherwise. */
export interface IngestReporter extends IngestListener {
  /** Called once, before the first upload. */
  start(input: { heading: string }): void;
  /** Called once at the end (also after Ctrl-C); prints the summary. */
  finish(input: { interrupted: string | undefined }): void;
}

export type IngestReporterFactory = (summary: IngestSummary, output: NodeJS.WriteStream) => IngestReporter;
