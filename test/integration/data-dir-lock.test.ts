import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDataDirLock } from '../../src/server/data-dir-lock.ts';
import { waitForExit } from '../support/child-server.ts';
import { FakeOllama } from '../support/fake-ollama.ts';
import { startTestServer } from '../support/test-server.ts';

/** The lock a server keeps in DATA_DIR (`server.json`), through which `daa` finds it. */
describe('the data dir lock', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function tempDataDir(): string {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-lock-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    return dataDir;
  }

  /** A real other process, alive until killed. */
  function otherProcess() {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    cleanups.push(async () => {
      child.kill('SIGKILL');
      await waitForExit(child);
    });
    return child;
  }

  const writeLock = (dataDir: string, pid: number) =>
    fs.writeFileSync(
      path.join(dataDir, 'server.json'),
      JSON.stringify({ pid, url: 'http://127.0.0.1:9', started_at: new Date().toISOString() }),
    );

  it('a server writes {pid, url, started_at} while it runs and removes it on close', async () => {
    const dataDir = tempDataDir();
    const server = await startTestServer({}, { dataDir, keepDataDir: true });
    const lock = JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8'));
    expect(lock).toMatchObject({ pid: process.pid, url: server.url, owner: 'server' });
    expect(Number.isNaN(Date.parse(lock.started_at))).toBe(false);
    await server.close();
    expect(fs.existsSync(path.join(dataDir, 'server.json'))).toBe(false);
  });

  it('a stale lock (its process is gone) is ignored by readers and replaced by the next server', async () => {
    const dataDir = tempDataDir();
    const gone = otherProcess();
    gone.kill('SIGKILL');
    await waitForExit(gone);
    writeLock(dataDir, gone.pid!);
    expect(readDataDirLock(dataDir)).toBeUndefined();
    const server = await startTestServer({}, { dataDir, keepDataDir: true });
    cleanups.push(() => server.close());
    expect(readDataDirLock(dataDir)).toMatchObject({ pid: process.pid, url: server.url });
  });

  it('a lock held by another live process stops a second server before it touches the data', async () => {
    const dataDir = tempDataDir();
    const holder = otherProcess();
    writeLock(dataDir, holder.pid!);
    const ollama = await new FakeOllama().start();
    cleanups.push(() => ollama.stop());
    await expect(startTestServer({}, { dataDir, keepDataDir: true, ollama })).rejects.toThrow(
      `This data dir is in use by another server (pid ${holder.pid}, http://127.0.0.1:9); stop it or choose another DATA_DIR`,
    );
    expect(readDataDirLock(dataDir)).toMatchObject({ pid: holder.pid });
    expect(fs.existsSync(path.join(dataDir, 'daa.sqlite'))).toBe(false);
  });
});
