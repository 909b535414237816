import { openBackend } from '../backend/open-backend.ts';
import { ExportOptions, type GlobalOptions, parseOptions } from '../command-options.ts';
import { ExitCode } from '../exit-codes.ts';
import { resolveProject } from '../resolve-project.ts';

/** `daa export --project <name|id> --output <file>`: the project as one archive file. */
export async function exportCommand(raw: unknown, globals: GlobalOptions): Promise<ExitCode> {
  const options = parseOptions(ExportOptions, raw);
  const backend = await openBackend({ url: globals.url, needsJobLoop: false, verbose: globals.verbose });
  try {
    const { project } = await resolveProject(backend, options.project, { create: false });
    const { bytes } = await backend.portability.exportProject({ projectId: project.id, output: options.output });
    process.stdout.write(`Exported project '${project.name}' to ${options.output} (${bytes} bytes)\n`);
    return ExitCode.ok;
  } finally {
    await backend.close();
  }
}
