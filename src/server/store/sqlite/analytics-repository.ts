import type { AnalyticsRepository } from '../store.ts';
import { toRecord as toChunkRecord } from './chunk-repository.ts';
import { vectorTableName } from './document-index-cleanup.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

type ChunkRow = Parameters<typeof toChunkRecord>[0];

/** Completed documents only: a document being re-chunked is not shown half old, half new. */
const CHUNKS_OF_PROJECT = `FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.project_id = ? AND d.status = 'completed'`;

/** Keyset-paged chunk reads and per-key vector lookups; every page is a short statement. */
export function createSqliteAnalyticsRepository(db: SqliteDatabase): AnalyticsRepository {
  const page = db.prepare<[number, number, number], ChunkRow>(
    `SELECT c.*, d.filename ${CHUNKS_OF_PROJECT} AND c.id > ? ORDER BY c.id LIMIT ?`,
  );

  function filters(options: { documentId?: number; text?: string }): { sql: string; values: Array<number | string> } {
    let sql = '';
    const values: Array<number | string> = [];
    if (options.documentId !== undefined) {
      sql += ' AND c.document_id = ?';
      values.push(options.documentId);
    }
    if (options.text) {
      sql += ' AND (instr(lower(c.content), lower(?)) > 0 OR instr(lower(d.filename), lower(?)) > 0)';
      values.push(options.text, options.text);
    }
    return { sql, values };
  }

  return {
    async pageChunks({ projectId, documentIds, afterId, limit }) {
      if (!documentIds) return page.all(projectId, afterId, limit).map(toChunkRecord);
      if (documentIds.length === 0) return [];
      const marks = documentIds.map(() => '?').join(', ');
      return db
        .prepare<Array<number>, ChunkRow>(
          `SELECT c.*, d.filename ${CHUNKS_OF_PROJECT} AND c.document_id IN (${marks}) AND c.id > ? ORDER BY c.id LIMIT ?`,
        )
        .all(projectId, ...documentIds, afterId, limit)
        .map(toChunkRecord);
    },

    async searchChunks({ projectId, documentId, text, skip, limit }) {
      const where = filters({ documentId, text });
      const total = db
        .prepare<Array<number | string>, { total: number }>(`SELECT COUNT(*) AS total ${CHUNKS_OF_PROJECT}${where.sql}`)
        .get(projectId, ...where.values)!.total;
      const rows = db
        .prepare<Array<number | string>, ChunkRow>(
          `SELECT c.*, d.filename ${CHUNKS_OF_PROJECT}${where.sql} ORDER BY d.filename, c.document_id, c.chunk_index LIMIT ? OFFSET ?`,
        )
        .all(projectId, ...where.values, limit, skip);
      return { chunks: rows.map(toChunkRecord), total };
    },

    async findVectors({ indexId, chunkIds }) {
      const vectors = new Map<number, Float32Array>();
      const exists = db
        .prepare<[string], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`)
        .get(vectorTableName(indexId));
      if (!exists) return vectors;
      // vec0 looks a row up by its key; an IN list over the key is not indexed, so one lookup each.
      const lookup = db.prepare<[bigint], { embedding: Buffer }>(`SELECT embedding FROM ${vectorTableName(indexId)} WHERE chunk_id = ?`);
      for (const chunkId of chunkIds) {
        const row = lookup.get(BigInt(chunkId));
        if (!row) continue;
        const bytes = Uint8Array.from(row.embedding);
        vectors.set(chunkId, new Float32Array(bytes.buffer, 0, bytes.byteLength / 4));
      }
      return vectors;
    },
  };
}
