import { vectorTableName } from './document-index-cleanup.ts';
import { runInPages } from './paged-work.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

/**
 * Fills the backlog of an index version that is not seeded yet (new, or from before the backlog
 * existed) with the project's chunks that have no vector there, in short pages (each chunk costs a
 * vec0 lookup) with the event loop free in between. Chunks added meanwhile get their row from the
 * insert trigger.
 */
export async function seedVectorBacklog(db: SqliteDatabase, indexId: number): Promise<void> {
  const state = db.prepare<[number], { project_id: number; backlog_seeded_through: number | null; status: string }>(
    'SELECT project_id, backlog_seeded_through, status FROM embedding_indexes WHERE id = ?',
  );
  const first = state.get(indexId);
  if (!first || first.status === 'retired' || first.backlog_seeded_through === null) return;
  const page = db.prepare<[number, number, number], { id: number }>(
    'SELECT id FROM chunks WHERE project_id = ? AND id > ? ORDER BY id LIMIT ?',
  );
  const seed = db.prepare(
    `INSERT OR IGNORE INTO vector_backlog (index_id, chunk_id)
     SELECT ?, value FROM json_each(?) WHERE NOT EXISTS (SELECT 1 FROM ${vectorTableName(indexId)} v WHERE v.chunk_id = value)`,
  );
  const advance = db.prepare('UPDATE embedding_indexes SET backlog_seeded_through = ? WHERE id = ?');
  await runInPages((limit) =>
    db.transaction(() => {
      // Read again each step: another caller may have seeded meanwhile, or the version was retired.
      const index = state.get(indexId);
      if (!index || index.status === 'retired' || index.backlog_seeded_through === null) return 0;
      const ids = page.all(index.project_id, index.backlog_seeded_through, limit).map((row) => row.id);
      if (ids.length > 0) seed.run(indexId, JSON.stringify(ids));
      advance.run(ids.length < limit ? null : ids[ids.length - 1]!, indexId);
      return ids.length;
    })(),
  );
}
