import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterEach, describe, expect, it } from 'vitest';
import { createFullTextSearcher } from '../../src/server/store/sqlite/full-text-search.ts';
import { migrations } from '../../src/server/store/sqlite/migrations/index.ts';
import { openSqliteDatabase } from '../../src/server/store/sqlite/sqlite-database.ts';

describe('SQLite migration 9: full text over analyzed terms', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('re-indexes the chunks of a database made before it, so Snowball stems and stop words apply to old passages', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-migration-9-'));
    const file = path.join(dir, 'daa.sqlite');
    // A database as the previous release left it: migrations 1–8, Porter on the raw text.
    const old = new Database(file);
    sqliteVec.load(old);
    for (const migration of migrations.filter((item) => item.version <= 8)) old.exec(migration.sql);
    old.pragma('user_version = 8');
    const at = new Date().toISOString();
    old.prepare("INSERT INTO projects (id, name, settings, created_at, updated_at) VALUES (1, 'p', '{}', ?, ?)").run(at, at);
    old
      .prepare("INSERT INTO documents (id, project_id, filename, status, created_at, updated_at) VALUES (1, 1, 'a.txt', 'completed', ?, ?)")
      .run(at, at);
    const insert = old.prepare(
      'INSERT INTO chunks (document_id, project_id, chunk_index, content, start_char, end_char) VALUES (1, 1, ?, ?, 0, 10)',
    );
    insert.run(0, 'The cells were dying in the cold.');
    insert.run(1, 'A generously funded study of mice.');
    // Porter: "dying" → "dy", "die" → "die": the old index does not match them.
    expect(old.prepare("SELECT COUNT(*) AS n FROM chunks_fts WHERE chunks_fts MATCH 'die'").get()).toEqual({ n: 0 });
    old.close();

    const db = openSqliteDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
      const fullText = createFullTextSearcher(db);
      const ids = async (query: string) => fullText.search({ projectId: 1, query, limit: 10 }).map((hit) => hit.chunkId);
      expect(await ids('Why do cells die?')).toEqual([1]);
      expect(await ids('generous funding')).toEqual([2]);
      // New and changed chunks go through the same analyzer (the triggers call daa_analyze()).
      db.prepare('UPDATE chunks SET content = ? WHERE id = 2').run("The mouse's lungs were studied.");
      expect(await ids('generous')).toEqual([]);
      expect(await ids('mouse lung studies')).toEqual([2]);
      db.prepare('DELETE FROM chunks WHERE id = 1').run();
      expect(await ids('dying cells')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
