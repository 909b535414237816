import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../src/server/store/sqlite/migrations/index.ts';

/** Migration 008 gives the rows of a linear chat (and of 007's answer versions) the parents they implied. */
describe('SQLite migration 008: the message tree', () => {
  it('backfills parents: answers their question, questions the answer they followed', () => {
    const db = new Database(':memory:');
    sqliteVec.load(db);
    const tree = migrations.find((migration) => migration.name === 'message-tree')!;
    for (const migration of migrations) if (migration.version < tree.version) db.exec(migration.sql);
    const at = '2026-01-01T00:00:00.000Z';
    db.prepare("INSERT INTO projects (name, settings, created_at, updated_at) VALUES ('p', '{}', ?, ?)").run(at, at);
    for (const chat of [1, 2]) {
      db.prepare("INSERT INTO chats (project_id, title, created_at, updated_at) VALUES (1, 'c', ?, ?)").run(at, at);
      void chat;
    }
    const insert = db.prepare(
      "INSERT INTO messages (chat_id, role, content, status, parent_id, is_active, created_at, updated_at) VALUES (?, ?, '', 'complete', ?, ?, ?, ?)",
    );
    const add = (chatId: number, role: string, parent: number | null = null, active = 1) =>
      Number(insert.run(chatId, role, parent, active, at, at).lastInsertRowid);
    const q1 = add(1, 'user');
    const a1 = add(1, 'assistant');
    const other = add(2, 'user'); // another chat in between
    const q2 = add(1, 'user');
    const a2 = add(1, 'assistant');
    // 007: q1's answer regenerated (a later id, the active version).
    const a1b = add(1, 'assistant', q1, 1);
    db.prepare('UPDATE messages SET is_active = 0 WHERE id = ?').run(a1);
    const q3 = add(1, 'user'); // its answer never came
    const q4 = add(1, 'user');

    db.exec(tree.sql);
    const parents = Object.fromEntries(
      (db.prepare('SELECT id, parent_id FROM messages').all() as Array<{ id: number; parent_id: number | null }>).map((row) => [
        row.id,
        row.parent_id,
      ]),
    );
    expect(parents).toEqual({
      [q1]: null,
      [a1]: q1,
      [other]: null,
      // q2 followed a1 (a1b came later): it stays under the version it was asked after.
      [q2]: a1,
      [a2]: q2,
      [a1b]: q1,
      [q3]: a2,
      [q4]: q3,
    });
    db.prepare("UPDATE messages SET feedback = 'up' WHERE id = ?").run(a2);
    expect(() => db.prepare("UPDATE messages SET feedback = 'meh' WHERE id = ?").run(a2)).toThrow();
  });
});
