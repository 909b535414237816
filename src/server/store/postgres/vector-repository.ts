import type pg from 'pg';
import type { EmbeddingIndexRecord, VectorRepository } from '../store.ts';
import { now, transaction, type Queryable } from './postgres-database.ts';
import type { VectorLayout } from './vector-layout.ts';

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

/** Frees the vectors of index versions that are retired or gone; returns how many versions. */
export async function dropOrphanVectors(client: Queryable, layout: VectorLayout): Promise<number> {
  const { rows } = await client.query<{ index_id: number }>(
    `DELETE FROM vector_storage s
     WHERE NOT EXISTS (SELECT 1 FROM embedding_indexes e WHERE e.id = s.index_id AND e.status <> 'retired')
     RETURNING index_id`,
  );
  if (rows.length > 0) await client.query(`DELETE FROM ${layout.table} WHERE index_id = ANY($1::int[])`, [rows.map((row) => row.index_id)]);
  return rows.length;
}

export function createPostgresVectorRepository(pool: pg.Pool, layout: VectorLayout): VectorRepository {
  async function byId(id: number, client: Queryable = pool) {
    return (await client.query<IndexRow>('SELECT * FROM embedding_indexes WHERE id = $1', [id])).rows[0];
  }

  return {
    async activeIndex(projectId) {
      const row = (await pool.query<IndexRow>(`SELECT * FROM embedding_indexes WHERE project_id = $1 AND status = 'active'`, [projectId]))
        .rows[0];
      return row ? toRecord(row) : undefined;
    },

    async findIndex({ projectId, provider, model }) {
      const row = (
        await pool.query<IndexRow>(
          `SELECT * FROM embedding_indexes WHERE project_id = $1 AND provider = $2 AND model = $3 AND status <> 'retired'`,
          [projectId, provider, model],
        )
      ).rows[0];
      return row ? toRecord(row) : undefined;
    },

    async listIndexes(projectId) {
      return (await pool.query<IndexRow>('SELECT * FROM embedding_indexes WHERE project_id = $1 ORDER BY id', [projectId])).rows.map(
        toRecord,
      );
    },

    async createIndex({ projectId, provider, model, dimensions, status }) {
      if (!Number.isInteger(dimensions) || dimensions <= 0 || dimensions > 16_000) throw new Error(`bad dimensions ${dimensions}`);
      const row = await transaction(pool, async (client) => {
        // Two processes (or two jobs) may find no index and create one at the same moment: the
        // second waits here and gets the first's version of the same embedder.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`daa:vector-index:${projectId}`]);
        const existing = (
          await client.query<IndexRow>(
            `SELECT * FROM embedding_indexes WHERE project_id = $1 AND provider = $2 AND model = $3 AND dimensions = $4 AND status <> 'retired'`,
            [projectId, provider, model, dimensions],
          )
        ).rows[0];
        if (existing) return existing;
        const timestamp = now();
        if (status === 'active') {
          await client.query(
            `UPDATE embedding_indexes SET status = 'retired', updated_at = $1 WHERE project_id = $2 AND status = 'active'`,
            [timestamp, projectId],
          );
        }
        const inserted = (
          await client.query<IndexRow>(
            `INSERT INTO embedding_indexes (project_id, provider, model, dimensions, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
            [projectId, provider, model, dimensions, status, timestamp],
          )
        ).rows[0]!;
        await client.query('INSERT INTO vector_storage (index_id) VALUES ($1)', [inserted.id]);
        await layout.prepare(client, inserted);
        if (status === 'active') await dropOrphanVectors(client, layout);
        return inserted;
      });
      return toRecord(row);
    },

    async activate(indexId) {
      await transaction(pool, async (client) => {
        const row = (await client.query<IndexRow>('SELECT * FROM embedding_indexes WHERE id = $1 FOR UPDATE', [indexId])).rows[0];
        if (!row || row.status === 'retired') return;
        const timestamp = now();
        await client.query(`UPDATE embedding_indexes SET status = 'retired', updated_at = $1 WHERE project_id = $2 AND status = 'active'`, [
          timestamp,
          row.project_id,
        ]);
        await client.query(`UPDATE embedding_indexes SET status = 'active', updated_at = $1 WHERE id = $2`, [timestamp, indexId]);
        await client.query(`UPDATE documents SET embedding_model = $1 WHERE project_id = $2 AND status = 'completed'`, [
          row.model,
          row.project_id,
        ]);
        await dropOrphanVectors(client, layout);
      });
    },

    async retire(indexId) {
      await transaction(pool, async (client) => {
        await client.query(`UPDATE embedding_indexes SET status = 'retired', updated_at = $1 WHERE id = $2`, [now(), indexId]);
        await dropOrphanVectors(client, layout);
      });
    },

    async insert({ indexId, items }) {
      return transaction(pool, async (client) => {
        const index = await byId(indexId, client);
        if (!index || index.status === 'retired') return 0;
        const wanted = items.map((item) => item.chunkId);
        const present = new Map(
          (
            await client.query<{ id: number; document_id: number }>(
              'SELECT id, document_id FROM chunks WHERE project_id = $1 AND id = ANY($2::int[])',
              [index.project_id, wanted],
            )
          ).rows.map((row) => [row.id, row.document_id]),
        );
        let written = 0;
        const documents = new Set<number>();
        for (const item of items) {
          const documentId = present.get(item.chunkId);
          if (documentId === undefined) continue;
          await layout.upsert(client, index, item.chunkId, item.embedding);
          documents.add(documentId);
          written += 1;
        }
        if (index.status === 'active' && documents.size > 0) {
          await client.query('UPDATE documents SET embedding_model = $1 WHERE id = ANY($2::int[])', [index.model, [...documents]]);
        }
        return written;
      });
    },

    async search({ indexId, embedding, limit }) {
      const index = await byId(indexId);
      if (!index || index.status === 'retired') return [];
      return layout.search(pool, index, embedding, limit);
    },

    async countVectors(indexId) {
      const { rows } = await pool.query<{ count: number }>(`SELECT COUNT(*)::int AS count FROM ${layout.table} WHERE index_id = $1`, [
        indexId,
      ]);
      return rows[0]?.count ?? 0;
    },

    async dropOrphanStorage() {
      return transaction(pool, (client) => dropOrphanVectors(client, layout));
    },
  };
}
