import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A scratch folder for files a test writes; `remove()` in afterAll. */
export function createTempDir(prefix = 'daa-test-'): {
  dir: string;
  write: (name: string, bytes: Buffer | string) => string;
  remove: () => void;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let counter = 0;
  return {
    dir,
    /** Writes `bytes` under a unique sub-folder, keeping `name` as the file name; returns the path. */
    write(name, bytes) {
      counter += 1;
      const folder = path.join(dir, String(counter));
      fs.mkdirSync(folder);
      const filePath = path.join(folder, name);
      fs.writeFileSync(filePath, bytes);
      return filePath;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
