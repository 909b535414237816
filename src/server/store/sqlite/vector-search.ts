import { vectorTableName } from './document-index-cleanup.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

/** Vectors go to vec0 as little-endian float32 bytes. */
export function vectorBlob(embedding: ArrayLike<number>): Buffer {
  const floats = embedding instanceof Float32Array ? embedding : Float32Array.from(embedding);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
}

/**
 * Brute-force KNN over one index version (cosine distance). It reads every vector of the version:
 * ~300 ms at 200k × 768 floats, which is why the store runs it on its background connection.
 */
export function searchVectors(
  db: SqliteDatabase,
  options: { indexId: number; embedding: ArrayLike<number>; limit: number },
): Array<{ chunkId: number; distance: number }> {
  return db
    .prepare<[Buffer, number], { chunk_id: number; distance: number }>(
      `SELECT chunk_id, distance FROM ${vectorTableName(options.indexId)} WHERE embedding MATCH ? AND k = ? ORDER BY distance`,
    )
    .all(vectorBlob(options.embedding), options.limit)
    .map((row) => ({ chunkId: Number(row.chunk_id), distance: row.distance }));
}
