import { vectorTableName } from './document-index-cleanup.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

/**
 * Drops the vec0 tables and backlog rows of index versions that are retired or gone (a project
 * purge, a replaced model, a crash in between). Dropping a big vec0 table frees every page it used
 * (200 ms for 200k × 768 floats), so the store runs this on its background worker's connection.
 * Returns how many tables were dropped.
 */
export function dropRetiredVectorTables(db: SqliteDatabase): number {
  const live = new Set(
    db
      .prepare<[], { id: number }>(`SELECT id FROM embedding_indexes WHERE status <> 'retired'`)
      .all()
      .map((row) => row.id),
  );
  const tables = db
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'vec_index_[0-9]*' AND name NOT GLOB 'vec_index_*_*'`,
    )
    .all();
  let dropped = 0;
  for (const { name } of tables) {
    const id = Number(name.slice('vec_index_'.length));
    if (!Number.isSafeInteger(id) || live.has(id)) continue;
    db.exec(`DROP TABLE IF EXISTS ${vectorTableName(id)}`);
    dropped += 1;
  }
  db.prepare(`DELETE FROM vector_backlog WHERE index_id NOT IN (SELECT id FROM embedding_indexes WHERE status <> 'retired')`).run();
  db.prepare(`DELETE FROM vector_changes WHERE index_id NOT IN (SELECT id FROM embedding_indexes WHERE status <> 'retired')`).run();
  return dropped;
}
