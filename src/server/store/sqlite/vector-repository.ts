import type { EmbeddingIndexRecord, VectorRepository } from '../store.ts';
import { vectorTableName } from './document-index-cleanup.ts';
import { now, type SqliteDatabase } from './sqlite-database.ts';
import { createVectorWriter } from './vector-writes.ts';

interface IndexRow {
  id: number;
  project_id: number;
  provider: string;
  model: string;
  dimensions: number;
  status: EmbeddingIndexRecord['status'];
  created_at: string;
  updated_at: string;
}

function toRecord(row: IndexRow): EmbeddingIndexRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    provider: row.provider,
    model: row.model,
    dimensions: row.dimensions,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Vector index versions on sqlite-vec: one `vec0` table per (project, embedder) with cosine distance,
 * so a KNN query only ever sees the project's own chunks embedded by one model. Brute force is
 * ~10 ms per 10k×768 vectors here (300 ms at 200k), so searches and table drops run on the store's
 * background connection; the short writes stay on this one.
 */
export function createSqliteVectorRepository(
  db: SqliteDatabase,
  /** The statements that read or free whole vec0 tables, run on a background connection when there is one. */
  heavy: {
    dropRetiredTables: () => Promise<number>;
    search: (options: {
      indexId: number;
      embedding: ArrayLike<number>;
      limit: number;
    }) => Promise<Array<{ chunkId: number; distance: number }>>;
  },
): VectorRepository {
  const { dropRetiredTables } = heavy;
  const writeVectors = createVectorWriter(db);
  const statements = {
    active: db.prepare<[number], IndexRow>(`SELECT * FROM embedding_indexes WHERE project_id = ? AND status = 'active'`),
    find: db.prepare<[number, string, string], IndexRow>(
      `SELECT * FROM embedding_indexes WHERE project_id = ? AND provider = ? AND model = ? AND status <> 'retired'`,
    ),
    byId: db.prepare<[number], IndexRow>('SELECT * FROM embedding_indexes WHERE id = ?'),
    list: db.prepare<[number], IndexRow>('SELECT * FROM embedding_indexes WHERE project_id = ? ORDER BY id'),
    // backlog_seeded_through: 0 puts the project's existing chunks in the backlog lazily (in pages);
    // NULL when there are none (later chunks get their row from the insert trigger).
    insert: db.prepare(
      `INSERT INTO embedding_indexes (project_id, provider, model, dimensions, status, created_at, updated_at, backlog_seeded_through)
       VALUES (?, ?, ?, ?, ?, ?, ?, CASE WHEN EXISTS (SELECT 1 FROM chunks WHERE project_id = ?) THEN 0 END)`,
    ),
    setStatus: db.prepare('UPDATE embedding_indexes SET status = ?, updated_at = ? WHERE id = ?'),
    retireActive: db.prepare(`UPDATE embedding_indexes SET status = 'retired', updated_at = ? WHERE project_id = ? AND status = 'active'`),
    markDocuments: db.prepare(`UPDATE documents SET embedding_model = ? WHERE project_id = ? AND status = 'completed'`),
  };

  return {
    async activeIndex(projectId) {
      const row = statements.active.get(projectId);
      return row ? toRecord(row) : undefined;
    },

    async findIndex({ projectId, provider, model }) {
      const row = statements.find.get(projectId, provider, model);
      return row ? toRecord(row) : undefined;
    },

    async listIndexes(projectId) {
      return statements.list.all(projectId).map(toRecord);
    },

    async createIndex({ projectId, provider, model, dimensions, status }) {
      if (!Number.isInteger(dimensions) || dimensions <= 0 || dimensions > 16_384) throw new Error(`bad dimensions ${dimensions}`);
      const existing = statements.find.get(projectId, provider, model);
      if (existing && existing.dimensions === dimensions) return toRecord(existing);
      const id = db.transaction(() => {
        const timestamp = now();
        if (status === 'active') statements.retireActive.run(timestamp, projectId);
        const result = statements.insert.run(projectId, provider, model, dimensions, status, timestamp, timestamp, projectId);
        const indexId = Number(result.lastInsertRowid);
        db.exec(
          `CREATE VIRTUAL TABLE ${vectorTableName(indexId)} USING vec0(chunk_id integer primary key, embedding float[${dimensions}] distance_metric=cosine)`,
        );
        return indexId;
      })();
      if (status === 'active') await dropRetiredTables();
      return toRecord(statements.byId.get(id) as IndexRow);
    },

    async activate(indexId) {
      const activated = db.transaction(() => {
        const row = statements.byId.get(indexId);
        if (!row || row.status === 'retired') return false;
        const timestamp = now();
        statements.retireActive.run(timestamp, row.project_id);
        statements.setStatus.run('active', timestamp, indexId);
        statements.markDocuments.run(row.model, row.project_id);
        return true;
      })();
      // Retired first, dropped after: the drop is the slow part and needs no transaction with it.
      if (activated) await dropRetiredTables();
    },

    async retire(indexId) {
      statements.setStatus.run('retired', now(), indexId);
      await dropRetiredTables();
    },

    async insert({ indexId, items }) {
      return db.transaction(() => writeVectors(indexId, items))();
    },

    async search(options) {
      // A retired version has no table any more: nothing to find.
      const index = statements.byId.get(options.indexId);
      if (!index || index.status === 'retired') return [];
      return heavy.search(options);
    },

    async countVectors(indexId) {
      // A retired version's table is gone: it holds no vectors.
      const table = vectorTableName(indexId);
      if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table)) return 0;
      const row = db.prepare<[], { count: number }>(`SELECT COUNT(*) AS count FROM ${vectorTableName(indexId)}`).get();
      return row?.count ?? 0;
    },

    async dropOrphanStorage() {
      return dropRetiredTables();
    },
  };
}
