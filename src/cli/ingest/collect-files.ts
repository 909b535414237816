import fs from 'node:fs/promises';
import path from 'node:path';
import { detectFileType } from '../../server/ingest/detect-file-type.ts';
import type { IngestFile } from '../backend/backend.ts';
import { CliError } from '../cli-error.ts';

export interface SkippedFile {
  displayPath: string;
  reason: string;
}

/**
 * The files to ingest from the command line's paths: files as given, folders walked recursively (in
 * name order, hidden entries left out). A file's type is decided from its bytes, as the server
 * decides it, so unsupported files are skipped with the reason before anything is uploaded. A path
 * on the command line that cannot be read stops the command before it changes anything.
 */
export async function collectFiles(
  inputs: string[],
  options: { cwd?: string } = {},
): Promise<{ files: IngestFile[]; skipped: SkippedFile[] }> {
  const cwd = options.cwd ?? process.cwd();
  const files: IngestFile[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>();

  const show = (absolute: string) => {
    const relative = path.relative(cwd, absolute);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
  };

  async function visitFile(absolute: string): Promise<void> {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    const displayPath = show(absolute);
    let detected;
    try {
      detected = await detectFileType({ filePath: absolute, filename: path.basename(absolute) });
    } catch (error) {
      skipped.push({ displayPath, reason: `cannot be read (${describeFsError(error)})` });
      return;
    }
    if (!detected.ok) skipped.push({ displayPath, reason: detected.message });
    else files.push({ path: absolute, displayPath, filename: path.basename(absolute) });
  }

  async function visitFolder(absolute: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(absolute, { withFileTypes: true });
    } catch (error) {
      skipped.push({ displayPath: show(absolute), reason: `folder cannot be read (${describeFsError(error)})` });
      return;
    }
    entries.sort((left, right) => left.name.localeCompare(right.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const child = path.join(absolute, entry.name);
      if (entry.isDirectory()) await visitFolder(child);
      else if (entry.isFile()) await visitFile(child);
      else if (entry.isSymbolicLink()) await visitLink(child);
    }
  }

  // A link inside a folder is followed to a file; links to folders are not walked (they can loop).
  async function visitLink(absolute: string): Promise<void> {
    const target = await fs.stat(absolute).catch(() => undefined);
    if (target?.isFile()) await visitFile(absolute);
    else skipped.push({ displayPath: show(absolute), reason: target ? 'link to a folder, not followed' : 'broken link' });
  }

  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    let stat;
    try {
      stat = await fs.stat(absolute);
    } catch (error) {
      throw new CliError(`Cannot read '${input}': ${describeFsError(error)}`, undefined, { cause: error });
    }
    if (stat.isDirectory()) await visitFolder(absolute);
    else if (stat.isFile()) {
      try {
        await (await fs.open(absolute, 'r')).close();
      } catch (error) {
        throw new CliError(`Cannot read '${input}': ${describeFsError(error)}`, undefined, { cause: error });
      }
      await visitFile(absolute);
    } else throw new CliError(`Cannot read '${input}': it is neither a file nor a folder`);
  }
  return { files, skipped };
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a folder',
    ELOOP: 'too many symbolic links',
  };
  return (code && reasons[code]) ?? (error as Error).message;
}
