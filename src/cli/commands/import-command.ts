import fs from 'node:fs/promises';
import { openBackend } from '../backend/open-backend.ts';
import { CliError } from '../cli-error.ts';
import { type GlobalOptions, ImportOptions, parseOptions } from '../command-options.ts';
import { ExitCode } from '../exit-codes.ts';

/** `daa import <file> [--name <new name>]`: a new project from an archive made by `daa export`. */
export async function importCommand(file: string, raw: unknown, globals: GlobalOptions): Promise<ExitCode> {
  const options = parseOptions(ImportOptions, raw);
  try {
    await (await fs.open(file, 'r')).close();
  } catch (error) {
    throw new CliError(
      `Cannot read '${file}': ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  const backend = await openBackend({ url: globals.url, needsJobLoop: true, verbose: globals.verbose });
  try {
    const project = await backend.portability.importProject({ file, name: options.name });
    process.stdout.write(`Imported ${file} as project '${project.name}' (id ${project.projectId})\n`);
    return ExitCode.ok;
  } finally {
    await backend.close();
  }
}
