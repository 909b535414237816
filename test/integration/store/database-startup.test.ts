import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore, type SqliteStore } from '../../../src/server/store/sqlite/sqlite-store.ts';
import { holdDatabaseLock, type DatabaseLockHolder } from '../../support/database-lock-holder.ts';
import { startServerProcess } from '../../support/server-process.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

const PAGE_SIZE = 4096;

/** A real database with enough chunks to span a few hundred pages. */
async function writeDatabase(filePath: string): Promise<void> {
  const store = createSqliteStore({ filePath });
  await fillStore(store);
  await store.close();
}

async function fillStore(store: ReturnType<typeof createSqliteStore>): Promise<void> {
  const project = await store.projects.create({ name: 'integrity', description: null, settings: {} });
  const document = await store.documents.create({
    projectId: project.id,
    filename: 'a.txt',
    fileType: 'txt',
    mimeType: 'text/plain',
    fileSize: 1,
    storedName: 'a.txt',
    contentHash: `h${Math.random()}`,
  });
  const chunks = Array.from({ length: 2_000 }, (_, chunkIndex) => {
    const content = `Chunk ${chunkIndex} about orchards, tides and quarterly ledgers in the river valley. `.repeat(4);
    return { chunkIndex, content, startChar: 0, endChar: content.length };
  });
  await store.chunks.indexDocument({ documentId: document.id, chunks, pageCount: null, wordCount: 1, parsedMetadata: {} });
}

/** Overwrites whole pages in the middle of the file (never page 1, so it still opens). */
function overwriteMiddle(filePath: string): void {
  const pages = Math.floor(fs.statSync(filePath).size / PAGE_SIZE);
  expect(pages).toBeGreaterThan(50);
  const handle = fs.openSync(filePath, 'r+');
  const garbage = Buffer.alloc(PAGE_SIZE * 10, 0xa5);
  fs.writeSync(handle, garbage, 0, garbage.length, Math.floor(pages / 2) * PAGE_SIZE);
  fs.closeSync(handle);
}

/** Starts the real server process against `dataDir`; it must exit 1 with one line naming the file. */
async function expectRefusedStart(
  dataDir: string,
  reason: RegExp,
  options: { uid?: number; gid?: number } = {},
  env: Record<string, string> = {},
  names = path.join(dataDir, 'daa.sqlite'),
) {
  const failure = await startServerProcess({ DATA_DIR: dataDir, ...env }, options).then(
    (server) => {
      void server.kill('SIGKILL');
      throw new Error('the server started');
    },
    (error: Error) => error.message,
  );
  const [first, ...rest] = failure.split('\n');
  expect(first).toBe('server exited with 1:');
  const lines = rest.join('\n').trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(names);
  expect(lines[0]).toMatch(reason);
}

describe('start-up refuses a database it cannot trust, in one line naming the file', () => {
  const dirs: string[] = [];
  let holder: DatabaseLockHolder | undefined;
  let server: TestServer | undefined;
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-db-start-'));
    dirs.push(dir);
    return dir;
  };

  afterEach(async () => {
    await holder?.release();
    await server?.close();
    holder = server = undefined;
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a file that is not a database', async () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, 'daa.sqlite'), 'these bytes are not a database\n'.repeat(500));
    await expectRefusedStart(dir, /is not a SQLite database/);
  });

  it('a database whose middle was overwritten', async () => {
    const dir = dataDir();
    const file = path.join(dir, 'daa.sqlite');
    await writeDatabase(file);
    overwriteMiddle(file);
    await expectRefusedStart(dir, /is damaged \(quick_check: .+\)/);
  });

  it('a database another process holds locked', async () => {
    const dir = dataDir();
    const file = path.join(dir, 'daa.sqlite');
    await writeDatabase(file);
    holder = await holdDatabaseLock(file, 'BEGIN EXCLUSIVE');
    await expectRefusedStart(dir, /is locked by another process/, {}, { DATABASE_BUSY_RETRY_SECONDS: '0.3' });
  });

  it('a read-only database', async () => {
    const dir = dataDir();
    const file = path.join(dir, 'daa.sqlite');
    await writeDatabase(file);
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o555);
    // Root writes through any permission: run the server as nobody then. The data dir lock is the
    // first thing written, so the one line names the read-only data dir.
    const asNobody = process.getuid?.() === 0 ? { uid: 65_534, gid: 65_534 } : {};
    try {
      await expectRefusedStart(dir, /is read-only/, asNobody, {}, dir);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  });

  it('/api/health reports a database damaged while the server runs', async () => {
    server = await startTestServer();
    await fillStore(server.store as SqliteStore);
    // Everything into the main file, so that the damage below is what a reader sees.
    (server.store as SqliteStore).db.pragma('wal_checkpoint(TRUNCATE)');
    overwriteMiddle(path.join(server.dataDir, 'daa.sqlite'));
    // A poll answers with the last finding while the next check runs (the first finding is the check
    // at open), so the damage shows within a few polls, never as a hang.
    let health = await server.api('GET', '/api/health');
    for (let poll = 0; poll < 50 && health.body.database_status !== 'error'; poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      health = await server.api('GET', '/api/health');
    }
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', database_status: 'error' });
    expect(health.body.database_error).toMatch(/^The database file is damaged \(quick_check: .+\)/);
  });
});
