import { openBackend } from '../backend/open-backend.ts';
import { CliError } from '../cli-error.ts';
import { type GlobalOptions, IngestOptions, parseOptions } from '../command-options.ts';
import { ExitCode } from '../exit-codes.ts';
import { collectFiles } from '../ingest/collect-files.ts';
import { IngestSummary, skippedLine } from '../ingest/ingest-summary.ts';
import { PlainIngestReporter } from '../ingest/plain-ingest-reporter.ts';
import { ProgressBarIngestReporter } from '../ingest/progress-bar-ingest-reporter.ts';
import { onInterrupt } from '../interrupt.ts';
import { resolveProject } from '../resolve-project.ts';

/**
 * `daa ingest <file-or-folder>... --project <name|id>`: finds the supported files, creates the project
 * when the name is new, uploads them and follows each document until it is completed or failed.
 */
export async function ingestCommand(paths: string[], raw: unknown, globals: GlobalOptions): Promise<ExitCode> {
  const options = parseOptions(IngestOptions, raw);
  const { files, skipped } = await collectFiles(paths);
  const output = process.stdout;
  if (files.length === 0) {
    for (const file of skipped) output.write(`${skippedLine(file)}\n`);
    throw new CliError('Nothing to ingest: the given paths hold no supported file (PDF, DOCX, XLSX, CSV, Markdown, TXT or HTML)');
  }

  const backend = await openBackend({ url: globals.url, needsJobLoop: true, verbose: globals.verbose });
  try {
    const { project, created } = await resolveProject(backend, options.project, { create: true });
    const summary = new IngestSummary(files.length, skipped);
    const reporter = output.isTTY ? new ProgressBarIngestReporter(summary, output) : new PlainIngestReporter(summary, output);
    const where = backend.kind === 'remote' ? `through the server at ${backend.location}` : `in ${backend.location}`;
    reporter.start({
      heading: `Ingesting ${files.length} file${files.length === 1 ? '' : 's'} into project '${project.name}' (id ${project.id}${created ? ', new' : ''}) ${where}`,
    });
    const interrupt = onInterrupt();
    let interrupted: string | undefined;
    try {
      await backend.ingest({ project, files, listener: reporter, signal: interrupt.signal });
      if (interrupt.signal.aborted) {
        interrupted =
          backend.kind === 'remote'
            ? 'Interrupted: documents already uploaded go on processing on the server.'
            : 'Interrupted: documents already added stay queued; the next daa ingest or daa serve on this data dir processes them.';
      }
    } finally {
      interrupt.dispose();
      reporter.finish({ interrupted });
    }
    return interrupted ? ExitCode.interrupted : summary.exitCode;
  } finally {
    await backend.close();
  }
}
