import Database from 'better-sqlite3';
import pg from 'pg';
import * as sqliteVec from 'sqlite-vec';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS as POSTGRES_MIGRATIONS } from '../../../src/server/store/postgres/migrations.ts';
import { migrations } from '../../../src/server/store/sqlite/migrations/index.ts';
import { createTestDatabase, requirePostgres } from '../../support/postgres-database.ts';

/** One database, reached through `run` (one statement, returns the new row's id when asked). */
type Run = (sql: string, params?: unknown[], returningId?: boolean) => Promise<number>;

/**
 * A linear chat (and 007's answer versions) before the message tree, then the tree migration; the
 * parents it backfills. `execTree` runs the tree migration.
 */
async function backfillScenario(
  run: Run,
  execTree: () => Promise<void>,
  all: () => Promise<Array<{ id: number; parent_id: number | null }>>,
) {
  const at = '2026-01-01T00:00:00.000Z';
  await run("INSERT INTO projects (name, settings, created_at, updated_at) VALUES ('p', '{}', $1, $2)", [at, at]);
  for (let chat = 0; chat < 2; chat += 1) {
    await run("INSERT INTO chats (project_id, title, created_at, updated_at) VALUES (1, 'c', $1, $2)", [at, at]);
  }
  const add = (chatId: number, role: string, parent: number | null = null) =>
    run(
      "INSERT INTO messages (chat_id, role, content, status, parent_id, is_active, created_at, updated_at) VALUES ($1, $2, '', 'complete', $3, 1, $4, $5)",
      [chatId, role, parent, at, at],
      true,
    );
  const q1 = await add(1, 'user');
  const a1 = await add(1, 'assistant');
  const other = await add(2, 'user'); // another chat in between
  const q2 = await add(1, 'user');
  const a2 = await add(1, 'assistant');
  // 007: q1's answer regenerated (a later id, the active version).
  const a1b = await add(1, 'assistant', q1);
  await run('UPDATE messages SET is_active = 0 WHERE id = $1', [a1]);
  const q3 = await add(1, 'user'); // its answer never came
  const q4 = await add(1, 'user');

  await execTree();
  const parents = Object.fromEntries((await all()).map((row) => [row.id, row.parent_id]));
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
  await run("UPDATE messages SET feedback = 'up' WHERE id = $1", [a2]);
  await expect(run("UPDATE messages SET feedback = 'meh' WHERE id = $1", [a2])).rejects.toThrow();
}

describe('the message tree migration (SQLite 008, PostgreSQL 3)', () => {
  it('SQLite: backfills parents, answers their question, questions the answer they followed', async () => {
    const db = new Database(':memory:');
    sqliteVec.load(db);
    const tree = migrations.find((migration) => migration.name === 'message-tree')!;
    for (const migration of migrations) if (migration.version < tree.version) db.exec(migration.sql);
    const run: Run = async (sql, params = [], returningId = false) => {
      const result = db.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
      return returningId ? Number(result.lastInsertRowid) : result.changes;
    };
    await backfillScenario(
      run,
      async () => {
        db.exec(tree.sql);
      },
      async () => db.prepare('SELECT id, parent_id FROM messages').all() as Array<{ id: number; parent_id: number | null }>,
    );
  });

  it('PostgreSQL: the same backfill', async () => {
    if (!(await requirePostgres('message tree migration on PostgreSQL'))) return;
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const tree = POSTGRES_MIGRATIONS.find((migration) => migration.name === 'message-tree')!;
      for (const migration of POSTGRES_MIGRATIONS) if (migration.version < tree.version) await client.query(migration.sql);
      const run: Run = async (sql, params = [], returningId = false) => {
        const result = await client.query(returningId ? `${sql} RETURNING id` : sql, params);
        return returningId ? Number(result.rows[0].id) : (result.rowCount ?? 0);
      };
      await backfillScenario(
        run,
        async () => {
          await client.query(tree.sql);
        },
        async () => (await client.query('SELECT id, parent_id FROM messages')).rows,
      );
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
