import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A file beside a module (a worker's bootstrap or entry), as a path and a file URL built with Node's
 * own URL class. `new URL(relative, import.meta.url)` is not used because a test's jsdom environment
 * replaces the global `URL`, which resolves a `file:` base to http://localhost, and Worker refuses it.
 */
export function moduleFile(importMetaUrl: string, relative: string): { path: string; url: URL } {
  const file = path.join(path.dirname(fileURLToPath(importMetaUrl)), relative);
  return { path: file, url: pathToFileURL(file) };
}
