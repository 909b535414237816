import type pg from 'pg';
import type { MaintenanceRepository, OrphanVectorCount, VectorStorageRecord } from '../store.ts';
import { type Queryable, transaction } from './postgres-database.ts';
import type { VectorLayout } from './vector-layout.ts';
import { dropOrphanVectors } from './vector-repository.ts';

/**
 * Storage reports and repairs. Vectors cascade from their chunks here, so a vector of a live index
 * is orphaned only when it names a chunk of another project; the storage of retired or purged index
 * versions is freed by `dropOrphanVectors`, the same sweep the vector repository runs.
 */
export function createPostgresMaintenanceRepository(pool: pg.Pool, layout: VectorLayout): MaintenanceRepository {
  const live = `SELECT id FROM embedding_indexes WHERE status <> 'retired'`;
  const strayVectors = `FROM ${layout.table} v JOIN embedding_indexes e ON e.id = v.index_id AND e.status <> 'retired'
     WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = v.chunk_id AND c.project_id = e.project_id)`;
  async function count(client: Queryable): Promise<OrphanVectorCount> {
    const stray = (
      await client.query<{ vectors: number; bytes: string }>(
        `SELECT COUNT(*)::int AS vectors, COALESCE(SUM(e.dimensions), 0)::bigint * 4 AS bytes ${strayVectors}`,
      )
    ).rows[0]!;
    const gone = (
      await client.query<{ indexes: number; vectors: number; bytes: string }>(
        `SELECT (SELECT COUNT(*)::int FROM vector_storage WHERE index_id NOT IN (${live})) AS indexes,
                COUNT(v.index_id)::int AS vectors, COALESCE(SUM(e.dimensions), 0)::bigint * 4 AS bytes
         FROM ${layout.table} v LEFT JOIN embedding_indexes e ON e.id = v.index_id
         WHERE v.index_id NOT IN (${live})`,
      )
    ).rows[0]!;
    return { vectors: stray.vectors, indexes: gone.indexes, indexVectors: gone.vectors, bytes: Number(stray.bytes) + Number(gone.bytes) };
  }

  return {
    async vectorStorage() {
      const { rows } = await pool.query<{
        id: number;
        project_id: number;
        project_name: string | null;
        provider: string;
        model: string;
        dimensions: number;
        status: VectorStorageRecord['status'];
        vectors: number;
      }>(
        `SELECT e.id, e.project_id, p.name AS project_name, e.provider, e.model, e.dimensions, e.status,
                (SELECT COUNT(*)::int FROM ${layout.table} v WHERE v.index_id = e.id) AS vectors
         FROM embedding_indexes e LEFT JOIN projects p ON p.id = e.project_id
         WHERE e.status <> 'retired' ORDER BY e.id`,
      );
      return rows.map((row) => ({
        indexId: row.id,
        projectId: row.project_id,
        projectName: row.project_name,
        provider: row.provider,
        model: row.model,
        dimensions: row.dimensions,
        status: row.status,
        vectors: row.vectors,
      }));
    },

    async countOrphanVectors() {
      return count(pool);
    },

    async removeOrphanVectors() {
      return transaction(pool, async (client) => {
        const found = await count(client);
        await client.query(
          `DELETE FROM ${layout.table} d USING embedding_indexes e
           WHERE e.id = d.index_id AND e.status <> 'retired'
             AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = d.chunk_id AND c.project_id = e.project_id)`,
        );
        await dropOrphanVectors(client, layout);
        // Vectors of an index version that has no storage row any more (nothing else would free them).
        await client.query(`DELETE FROM ${layout.table} WHERE index_id NOT IN (${live})`);
        return found;
      });
    },

    async recountChunks() {
      return transaction(pool, async (client) => {
        const { rows: before } = await client.query<{
          id: number;
          name: string;
          deleted_at: string | null;
          documents: number;
          chunks: number;
        }>(
          `SELECT p.id, p.name, p.deleted_at,
                  (SELECT COUNT(*)::int FROM documents d WHERE d.project_id = p.id) AS documents,
                  (SELECT COALESCE(SUM(d.chunk_count), 0)::int FROM documents d WHERE d.project_id = p.id) AS chunks
           FROM projects p ORDER BY p.id`,
        );
        await client.query(
          `UPDATE documents d SET chunk_count = counted.n
           FROM (SELECT d2.id, (SELECT COUNT(*)::int FROM chunks c WHERE c.document_id = d2.id) AS n FROM documents d2) counted
           WHERE counted.id = d.id AND d.chunk_count <> counted.n`,
        );
        const { rows: after } = await client.query<{ project_id: number; chunks: number }>(
          'SELECT project_id, COALESCE(SUM(chunk_count), 0)::int AS chunks FROM documents GROUP BY project_id',
        );
        const totals = new Map(after.map((row) => [row.project_id, row.chunks]));
        return before.map((row) => ({
          projectId: row.id,
          projectName: row.name,
          deleted: row.deleted_at !== null,
          documentCount: row.documents,
          oldChunkCount: row.chunks,
          newChunkCount: totals.get(row.id) ?? 0,
        }));
      });
    },

    async projectIds() {
      return (await pool.query<{ id: number }>('SELECT id FROM projects ORDER BY id')).rows.map((row) => row.id);
    },
  };
}
