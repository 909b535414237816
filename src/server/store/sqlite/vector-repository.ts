import type { EmbeddingIndexRecord, VectorRepository } from '../store.ts';
import { vectorBlob } from './chunk-repository.ts';
import { vectorTableName } from './document-index-cleanup.ts';
import { now, type SqliteDatabase } from './sqlite-database.ts';

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
 * ~10 ms per 10k×768 vectors here, ample for a project's documents.
 */
export function createSqliteVectorRepository(db: SqliteDatabase): VectorRepository {
  const statements = {
    active: db.prepare<[number], IndexRow>(`SELECT * FROM embedding_indexes WHERE project_id = ? AND status = 'active'`),
    find: db.prepare<[number, string, string], IndexRow>(
      `SELECT * FROM embedding_indexes WHERE project_id = ? AND provider = ? AND model = ? AND status <> 'retired'`,
    ),
    byId: db.prepare<[number], IndexRow>('SELECT * FROM embedding_indexes WHERE id = ?'),
    list: db.prepare<[number], IndexRow>('SELECT * FROM embedding_indexes WHERE project_id = ? ORDER BY id'),
    insert: db.prepare(
      `INSERT INTO embedding_indexes (project_id, provider, model, dimensions, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    setStatus: db.prepare('UPDATE embedding_indexes SET status = ?, updated_at = ? WHERE id = ?'),
    retireActive: db.prepare(
      `UPDATE embedding_indexes SET status = 'retired', updated_at = ? WHERE project_id = ? AND status = 'active' RETURNING id`,
    ),
    chunkExists: db.prepare<[number, number], { document_id: number }>('SELECT document_id FROM chunks WHERE id = ? AND project_id = ?'),
    markDocuments: db.prepare(`UPDATE documents SET embedding_model = ? WHERE project_id = ? AND status = 'completed'`),
    markDocument: db.prepare(`UPDATE documents SET embedding_model = ? WHERE id = ?`),
    liveIds: db.prepare<[], { id: number }>(`SELECT id FROM embedding_indexes WHERE status <> 'retired'`),
    vecTables: db.prepare<[], { name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'vec_index_[0-9]*' AND name NOT GLOB 'vec_index_*_*'`,
    ),
  };

  function dropTable(indexId: number): void {
    db.exec(`DROP TABLE IF EXISTS ${vectorTableName(indexId)}`);
  }

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
      const id = db.transaction(() => {
        const timestamp = now();
        if (status === 'active') {
          for (const retired of statements.retireActive.all(timestamp, projectId) as Array<{ id: number }>) dropTable(retired.id);
        }
        const result = statements.insert.run(projectId, provider, model, dimensions, status, timestamp, timestamp);
        const indexId = Number(result.lastInsertRowid);
        db.exec(
          `CREATE VIRTUAL TABLE ${vectorTableName(indexId)} USING vec0(chunk_id integer primary key, embedding float[${dimensions}] distance_metric=cosine)`,
        );
        return indexId;
      })();
      return toRecord(statements.byId.get(id) as IndexRow);
    },

    async activate(indexId) {
      db.transaction(() => {
        const row = statements.byId.get(indexId);
        if (!row || row.status === 'retired') return;
        const timestamp = now();
        for (const retired of statements.retireActive.all(timestamp, row.project_id) as Array<{ id: number }>) {
          if (retired.id !== indexId) dropTable(retired.id);
        }
        statements.setStatus.run('active', timestamp, indexId);
        statements.markDocuments.run(row.model, row.project_id);
      })();
    },

    async retire(indexId) {
      db.transaction(() => {
        statements.setStatus.run('retired', now(), indexId);
        dropTable(indexId);
      })();
    },

    async insert({ indexId, items }) {
      const index = statements.byId.get(indexId);
      if (!index || index.status === 'retired') return 0;
      const table = vectorTableName(indexId);
      const upsertDelete = db.prepare(`DELETE FROM ${table} WHERE chunk_id = ?`);
      const insert = db.prepare(`INSERT INTO ${table} (chunk_id, embedding) VALUES (?, ?)`);
      return db.transaction(() => {
        let written = 0;
        const documents = new Set<number>();
        for (const item of items) {
          const chunk = statements.chunkExists.get(item.chunkId, index.project_id);
          if (!chunk) continue;
          upsertDelete.run(BigInt(item.chunkId));
          insert.run(BigInt(item.chunkId), vectorBlob(item.embedding));
          documents.add(chunk.document_id);
          written += 1;
        }
        if (index.status === 'active') for (const documentId of documents) statements.markDocument.run(index.model, documentId);
        return written;
      })();
    },

    async search({ indexId, embedding, limit }) {
      const rows = db
        .prepare<[Buffer, number], { chunk_id: number; distance: number }>(
          `SELECT chunk_id, distance FROM ${vectorTableName(indexId)} WHERE embedding MATCH ? AND k = ? ORDER BY distance`,
        )
        .all(vectorBlob(embedding), limit);
      return rows.map((row) => ({ chunkId: Number(row.chunk_id), distance: row.distance }));
    },

    async countVectors(indexId) {
      const row = db.prepare<[], { count: number }>(`SELECT COUNT(*) AS count FROM ${vectorTableName(indexId)}`).get();
      return row?.count ?? 0;
    },

    async dropOrphanTables() {
      const live = new Set(statements.liveIds.all().map((row) => row.id));
      let dropped = 0;
      for (const { name } of statements.vecTables.all()) {
        const id = Number(name.slice('vec_index_'.length));
        if (!Number.isSafeInteger(id) || live.has(id)) continue;
        dropTable(id);
        dropped += 1;
      }
      return dropped;
    },
  };
}
