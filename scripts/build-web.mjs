// `npm start`: builds the web app only when its inputs changed since the last build. The inputs are
// hashed (file paths and bytes of src/web, src/protocol which the app imports, the vite config,
// package-lock.json for the libraries); the hash is written beside the build, in dist/web/.build-hash.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const INPUTS = ['src/web', 'src/protocol', 'package-lock.json'];
export const HASH_FILE = '.build-hash';

function listFiles(target) {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return [];
  if (stat.isFile()) return [target];
  return fs
    .readdirSync(target, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => listFiles(path.join(target, entry.name)));
}

/** The hash of the web app's inputs under `base` (paths relative to it, so a moved checkout keeps it). */
export function webInputsHash(base = root, inputs = INPUTS) {
  const hash = createHash('sha256');
  for (const input of inputs) {
    for (const file of listFiles(path.join(base, input))) {
      hash.update(path.relative(base, file).split(path.sep).join('/'));
      hash.update('\0');
      hash.update(fs.readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

/** Whether `outDir` holds a build made from inputs with this hash. */
export function isBuildCurrent(outDir, hash) {
  if (!fs.existsSync(path.join(outDir, 'index.html'))) return false;
  try {
    return fs.readFileSync(path.join(outDir, HASH_FILE), 'utf8').trim() === hash;
  } catch {
    return false; // built by hand (vite build) or before hashes existed
  }
}

function main() {
  const outDir = path.join(root, 'dist/web');
  const force = process.argv.includes('--force');
  const hash = webInputsHash();
  if (!force && isBuildCurrent(outDir, hash)) {
    console.log('web app unchanged since the last build (dist/web): not rebuilt');
    return 0;
  }
  const result = spawnSync('npx', ['vite', 'build', '--config', 'src/web/vite.config.ts'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  fs.writeFileSync(path.join(outDir, HASH_FILE), `${hash}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
