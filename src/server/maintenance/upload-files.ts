import fs from 'node:fs/promises';
import path from 'node:path';

export interface StoredFile {
  /** The project folder's name (a project id, if it is one of ours) and the file's name in it. */
  folder: string;
  name: string;
  path: string;
  size: number;
  modifiedMs: number;
}

/** Every file under the upload folder (`<project id>/<stored name>`), read with async directory walks. */
export async function* storedFiles(uploadDir: string): AsyncGenerator<StoredFile> {
  async function* walk(folder: string, directory: string): AsyncGenerator<StoredFile> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(directory, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) yield* walk(folder || entry.name, full);
      else if (entry.isFile()) {
        const stat = await fs.stat(full).catch(() => undefined);
        if (stat) yield { folder, name: entry.name, path: full, size: stat.size, modifiedMs: stat.mtimeMs };
      }
    }
  }
  yield* walk('', uploadDir);
}

/** The original's storage figures: files, bytes and MB rounded to 2 places. */
export function storageFigures(files: number, bytes: number) {
  return { total_files: files, total_size_bytes: bytes, total_size_mb: Math.round((bytes / 1024 / 1024) * 100) / 100 };
}
