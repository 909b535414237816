import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs in the child: opens the file, takes the lock, says so, and gives it back when told. */
const HOLDER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1], { timeout: 10000 });
db.exec(process.argv[2]);
process.stdout.write('locked\\n');
process.stdin.on('data', () => { db.exec('ROLLBACK'); db.close(); process.stdout.write('released\\n'); process.exit(0); });
`;

export interface DatabaseLockHolder {
  child: ChildProcess;
  /** Ends the other process's transaction and waits until it has. */
  release(): Promise<void>;
}

/**
 * Another real process holding a lock on the SQLite file: `BEGIN IMMEDIATE` (the write lock; readers
 * go on in WAL mode) or `BEGIN EXCLUSIVE`. Resolves once the lock is held.
 */
export async function holdDatabaseLock(filePath: string, begin = 'BEGIN IMMEDIATE'): Promise<DatabaseLockHolder> {
  const child = spawn(process.execPath, ['-e', HOLDER, filePath, begin], { cwd: repositoryRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const waitFor = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        if (String(chunk).includes(line)) {
          child.stdout!.off('data', onData);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}: ${output}`)));
    });
  await waitFor('locked');
  let released: Promise<void> | undefined;
  return {
    child,
    release() {
      if (!released) {
        released = child.exitCode !== null ? Promise.resolve() : waitFor('released');
        child.stdin!.write('release\n');
      }
      return released;
    },
  };
}
