import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { HASH_FILE, isBuildCurrent, webInputsHash } from '../../scripts/build-web.mjs';
import { createTempDir } from '../support/temp-files.ts';

const dirs: Array<ReturnType<typeof createTempDir>> = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function checkout(): string {
  const temp = createTempDir('daa-build-hash-');
  dirs.push(temp);
  fs.mkdirSync(path.join(temp.dir, 'src/web/lib'), { recursive: true });
  fs.writeFileSync(path.join(temp.dir, 'src/web/main.tsx'), 'export {};\n');
  fs.writeFileSync(path.join(temp.dir, 'src/web/lib/a.ts'), 'export const a = 1;\n');
  return temp.dir;
}

describe('npm start builds the web app only when it changed', () => {
  it('hashes the inputs: the same files give the same hash, any edit, new file or rename another', () => {
    const base = checkout();
    const inputs = ['src/web'];
    const first = webInputsHash(base, inputs);
    expect(webInputsHash(base, inputs)).toBe(first);
    fs.writeFileSync(path.join(base, 'src/web/lib/a.ts'), 'export const a = 2;\n');
    const edited = webInputsHash(base, inputs);
    expect(edited).not.toBe(first);
    fs.renameSync(path.join(base, 'src/web/lib/a.ts'), path.join(base, 'src/web/lib/b.ts'));
    expect(webInputsHash(base, inputs)).not.toBe(edited);
  });

  it('counts a build as current only with its index.html and the same stored hash', () => {
    const base = checkout();
    const out = path.join(base, 'dist/web');
    const hash = webInputsHash(base, ['src/web']);
    expect(isBuildCurrent(out, hash)).toBe(false);
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'index.html'), '<!doctype html>');
    expect(isBuildCurrent(out, hash)).toBe(false);
    fs.writeFileSync(path.join(out, HASH_FILE), `${hash}\n`);
    expect(isBuildCurrent(out, hash)).toBe(true);
    expect(isBuildCurrent(out, 'another')).toBe(false);
  });
});
