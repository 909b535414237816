import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { quickChecksAtOpen, STARTUP_QUICK_CHECK_MAX_BYTES } from '../../src/server/store/sqlite/sqlite-database.ts';
import { createSqliteStore, type SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';

describe('sqlite store: a database too large to be checked at open', { timeout: 120_000 }, () => {
  let dir: string | undefined;
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await store?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens without reading every page, then finds the damage on its background check', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-large-check-'));
    const filePath = path.join(dir, 'daa.sqlite');
    // A migrated store, then enough blob pages to pass the threshold.
    await createSqliteStore({ filePath, vectorIndex: false }).close();
    const raw = new Database(filePath);
    raw.exec('CREATE TABLE filler (data BLOB)');
    const insert = raw.prepare('INSERT INTO filler (data) VALUES (zeroblob(?))');
    const rows = Math.ceil(STARTUP_QUICK_CHECK_MAX_BYTES / 2 ** 20) + 4;
    raw.transaction(() => {
      for (let i = 0; i < rows; i += 1) insert.run(2 ** 20);
    })();
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    expect(quickChecksAtOpen(filePath)).toBe(false);
    // Garbage over pages in the middle (the blobs' overflow chains).
    const fd = fs.openSync(filePath, 'r+');
    const size = fs.fstatSync(fd).size;
    fs.writeSync(fd, Buffer.alloc(256 * 1024, 0xa5), 0, 256 * 1024, Math.floor(size / 2));
    fs.closeSync(fd);

    store = createSqliteStore({ filePath, vectorIndex: false });
    const problems = await store.checkIntegrity();
    expect(problems.length).toBeGreaterThan(0);
  });
});
