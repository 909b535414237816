import type pg from 'pg';
import type { AnalyticsRepository } from '../store.ts';
import { toChunkRecord, type ChunkRow } from './chunk-repository.ts';
import type { VectorLayout } from './vector-layout.ts';

/** Completed documents only: a document being re-chunked is not shown half old, half new. */
const CHUNKS_OF_PROJECT = `FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.project_id = $1 AND d.status = 'completed'`;

/** Keyset-paged chunk reads and vector lookups by key; every page is a short statement. */
export function createPostgresAnalyticsRepository(pool: pg.Pool, layout: VectorLayout): AnalyticsRepository {
  return {
    async pageChunks({ projectId, documentIds, afterId, limit }) {
      if (documentIds && documentIds.length === 0) return [];
      const { rows } = await pool.query<ChunkRow>(
        `SELECT c.*, d.filename ${CHUNKS_OF_PROJECT} AND ($2::int[] IS NULL OR c.document_id = ANY($2::int[]))
           AND c.id > $3 ORDER BY c.id LIMIT $4`,
        [projectId, documentIds ?? null, afterId, limit],
      );
      return rows.map(toChunkRecord);
    },

    async searchChunks({ projectId, documentId, text, skip, limit }) {
      // strpos on lower(): a plain substring, so % and _ in the text mean themselves (as instr in SQLite).
      const where = `AND ($2::int IS NULL OR c.document_id = $2::int)
        AND ($3::text IS NULL OR strpos(lower(c.content), lower($3::text)) > 0 OR strpos(lower(d.filename), lower($3::text)) > 0)`;
      const values = [projectId, documentId ?? null, text ? text : null];
      const total = (await pool.query<{ total: number }>(`SELECT COUNT(*)::int AS total ${CHUNKS_OF_PROJECT} ${where}`, values)).rows[0]!
        .total;
      const { rows } = await pool.query<ChunkRow>(
        `SELECT c.*, d.filename ${CHUNKS_OF_PROJECT} ${where} ORDER BY d.filename, c.document_id, c.chunk_index LIMIT $4 OFFSET $5`,
        [...values, limit, skip],
      );
      return { chunks: rows.map(toChunkRecord), total };
    },

    async findVectors({ indexId, chunkIds }) {
      const vectors = new Map<number, Float32Array>();
      if (chunkIds.length === 0) return vectors;
      const { rows } = await pool.query<{ chunk_id: number; embedding: unknown }>(
        `SELECT chunk_id, embedding${layout.kind === 'pgvector' ? '::text' : ''} AS embedding
         FROM ${layout.table} WHERE index_id = $1 AND chunk_id = ANY($2::int[])`,
        [indexId, chunkIds],
      );
      for (const row of rows) vectors.set(row.chunk_id, layout.decode(row.embedding));
      return vectors;
    },
  };
}
