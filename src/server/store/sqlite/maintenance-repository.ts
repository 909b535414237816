import type { ChunkRecount, MaintenanceRepository, OrphanVectorCount, VectorStorageRecord } from '../store.ts';
import { vectorTableName } from './document-index-cleanup.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

interface IndexRow {
  id: number;
  project_id: number;
  project_name: string | null;
  provider: string;
  model: string;
  dimensions: number;
  status: VectorStorageRecord['status'];
}

/**
 * Storage reports and repairs. vec0 tables take no part in foreign keys, so a vector can outlive its
 * chunk (a crash between the two deletes, a file edited by hand) and a table can outlive its index
 * version; both are found here by comparing ids. Admin-only and rare, so these run on the main
 * connection; a scan of a vec0 table's ids is a few ms per 10k rows.
 */
export function createSqliteMaintenanceRepository(
  db: SqliteDatabase,
  heavy: { dropRetiredTables: () => Promise<number> },
): MaintenanceRepository {
  const tableExists = (name: string) => db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
  const liveIndexes = () =>
    db
      .prepare<[], IndexRow>(
        `SELECT e.id, e.project_id, p.name AS project_name, e.provider, e.model, e.dimensions, e.status
         FROM embedding_indexes e LEFT JOIN projects p ON p.id = e.project_id
         WHERE e.status <> 'retired' ORDER BY e.id`,
      )
      .all()
      .filter((row) => tableExists(vectorTableName(row.id)));
  const orphanChunkIds = (index: IndexRow) =>
    db
      .prepare<[number], { chunk_id: number }>(
        `SELECT chunk_id FROM ${vectorTableName(index.id)} WHERE chunk_id NOT IN (SELECT id FROM chunks WHERE project_id = ?)`,
      )
      .all(index.project_id)
      .map((row) => row.chunk_id);
  /** vec0 tables of index versions that are retired or gone, with their dimension where the row is left. */
  const orphanTables = () => {
    const live = new Set(liveIndexes().map((row) => row.id));
    const dimensions = new Map(
      db
        .prepare<[], { id: number; dimensions: number }>('SELECT id, dimensions FROM embedding_indexes')
        .all()
        .map((row) => [row.id, row.dimensions]),
    );
    return db
      .prepare<[], { name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'vec_index_[0-9]*' AND name NOT GLOB 'vec_index_*_*'`,
      )
      .all()
      .map(({ name }) => Number(name.slice('vec_index_'.length)))
      .filter((id) => Number.isSafeInteger(id) && id > 0 && !live.has(id))
      .map((id) => ({
        id,
        dimensions: dimensions.get(id) ?? 0,
        vectors: db.prepare<[], { count: number }>(`SELECT COUNT(*) AS count FROM ${vectorTableName(id)}`).get()?.count ?? 0,
      }));
  };
  const count = (): OrphanVectorCount => {
    let vectors = 0;
    let bytes = 0;
    for (const index of liveIndexes()) {
      const orphans = orphanChunkIds(index).length;
      vectors += orphans;
      bytes += orphans * index.dimensions * 4;
    }
    const tables = orphanTables();
    for (const table of tables) bytes += table.vectors * table.dimensions * 4;
    return { vectors, indexes: tables.length, indexVectors: tables.reduce((sum, table) => sum + table.vectors, 0), bytes };
  };

  return {
    async vectorStorage() {
      return liveIndexes().map((row) => ({
        indexId: row.id,
        projectId: row.project_id,
        projectName: row.project_name,
        provider: row.provider,
        model: row.model,
        dimensions: row.dimensions,
        status: row.status,
        vectors: db.prepare<[], { count: number }>(`SELECT COUNT(*) AS count FROM ${vectorTableName(row.id)}`).get()?.count ?? 0,
      }));
    },

    async countOrphanVectors() {
      return count();
    },

    async removeOrphanVectors() {
      const found = count();
      db.transaction(() => {
        for (const index of liveIndexes()) {
          const remove = db.prepare(`DELETE FROM ${vectorTableName(index.id)} WHERE chunk_id = ?`);
          for (const chunkId of orphanChunkIds(index)) remove.run(chunkId);
        }
      })();
      // Whole tables are dropped on the background connection (a big drop frees many pages).
      await heavy.dropRetiredTables();
      return found;
    },

    async recountChunks() {
      const recount = db.transaction((): ChunkRecount[] => {
        const before = db
          .prepare<[], { id: number; name: string; deleted_at: string | null; documents: number; chunks: number }>(
            `SELECT p.id, p.name, p.deleted_at,
                    (SELECT COUNT(*) FROM documents d WHERE d.project_id = p.id) AS documents,
                    (SELECT COALESCE(SUM(d.chunk_count), 0) FROM documents d WHERE d.project_id = p.id) AS chunks
             FROM projects p ORDER BY p.id`,
          )
          .all();
        db.prepare(
          `UPDATE documents SET chunk_count = (SELECT COUNT(*) FROM chunks c WHERE c.document_id = documents.id)
           WHERE chunk_count <> (SELECT COUNT(*) FROM chunks c WHERE c.document_id = documents.id)`,
        ).run();
        const after = new Map(
          db
            .prepare<[], { project_id: number; chunks: number }>(
              'SELECT project_id, COALESCE(SUM(chunk_count), 0) AS chunks FROM documents GROUP BY project_id',
            )
            .all()
            .map((row) => [row.project_id, row.chunks]),
        );
        return before.map((row) => ({
          projectId: row.id,
          projectName: row.name,
          deleted: row.deleted_at !== null,
          documentCount: row.documents,
          oldChunkCount: row.chunks,
          newChunkCount: after.get(row.id) ?? 0,
        }));
      });
      return recount();
    },

    async projectIds() {
      return db
        .prepare<[], { id: number }>('SELECT id FROM projects ORDER BY id')
        .all()
        .map((row) => row.id);
    },
  };
}
