import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Queryable } from './postgres-database.ts';
import { sqlLiteral } from './postgres-database.ts';

export interface IndexShape {
  id: number;
  model: string;
  dimensions: number;
}

/** Where a PostgreSQL store keeps vectors: pgvector when the server has it, else real[] with exact search. */
export interface VectorLayout {
  readonly kind: 'pgvector' | 'exact';
  /** The table with (index_id, chunk_id, embedding), chunk_id cascading from chunks. */
  readonly table: string;
  /** Prepares what a new index version needs (pgvector: the HNSW index of its model and dimension). */
  prepare(client: Queryable, index: IndexShape): Promise<void>;
  upsert(client: Queryable, index: IndexShape, chunkId: number, embedding: ArrayLike<number>): Promise<void>;
  search(
    pool: pg.Pool,
    index: IndexShape,
    embedding: ArrayLike<number>,
    limit: number,
  ): Promise<Array<{ chunkId: number; distance: number }>>;
  /** Reads stored vectors back as float32. */
  decode(stored: unknown): Float32Array;
}

function vectorText(embedding: ArrayLike<number>): string {
  return `[${Array.from(embedding, (value) => (Number.isFinite(value) ? value : 0)).join(',')}]`;
}

/** Exact cosine distance over real[], computed in SQL: no extension needed, linear in the index size. */
export const exactLayout: VectorLayout = {
  kind: 'exact',
  table: 'chunk_vectors',
  async prepare() {},
  async upsert(client, index, chunkId, embedding) {
    await client.query(
      `INSERT INTO chunk_vectors (index_id, chunk_id, embedding) VALUES ($1, $2, $3::real[])
       ON CONFLICT (index_id, chunk_id) DO UPDATE SET embedding = excluded.embedding`,
      [index.id, chunkId, Array.from(embedding)],
    );
  },
  async search(pool, index, embedding, limit) {
    const query = Array.from(embedding);
    const norm = Math.sqrt(query.reduce((sum, value) => sum + value * value, 0));
    if (norm === 0) return [];
    const { rows } = await pool.query<{ chunk_id: number; distance: number }>(
      `SELECT v.chunk_id, COALESCE(1 - s.dot / NULLIF(s.norm * $3, 0), 1) AS distance
       FROM chunk_vectors v
       CROSS JOIN LATERAL (
         SELECT SUM(a::float8 * b) AS dot, sqrt(SUM(a::float8 * a)) AS norm FROM unnest(v.embedding, $2::float8[]) AS t(a, b)
       ) s
       WHERE v.index_id = $1
       ORDER BY distance, v.chunk_id LIMIT $4`,
      [index.id, query, norm, limit],
    );
    return rows.map((row) => ({ chunkId: row.chunk_id, distance: Number(row.distance) }));
  },
  decode(stored) {
    return Float32Array.from(stored as number[]);
  },
};

/** The partial HNSW index of one embedding model and dimension (names from a hash: models carry any characters). */
function hnswIndexName(index: IndexShape): string {
  return `chunk_embeddings_hnsw_${createHash('sha1').update(`${index.model}\n${index.dimensions}`).digest('hex').slice(0, 16)}`;
}

function dimensions(index: IndexShape): number {
  if (!Number.isInteger(index.dimensions) || index.dimensions <= 0 || index.dimensions > 16_000)
    throw new Error(`bad dimensions ${index.dimensions}`);
  return index.dimensions;
}

/**
 * pgvector: one table, one HNSW cosine index per (model, dimension) over a cast expression, so
 * vectors of different sizes share the table. The per-project filter (an index version) relies on
 * iterative scans, so a filter never leaves the result short.
 */
export const pgvectorLayout: VectorLayout = {
  kind: 'pgvector',
  table: 'chunk_embeddings',
  async prepare(client, index) {
    const size = dimensions(index);
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [hnswIndexName(index)]);
    await client.query(
      `CREATE INDEX IF NOT EXISTS ${hnswIndexName(index)} ON chunk_embeddings
       USING hnsw ((embedding::vector(${size})) vector_cosine_ops)
       WHERE model = ${sqlLiteral(index.model)} AND dimensions = ${size}`,
    );
  },
  async upsert(client, index, chunkId, embedding) {
    await client.query(
      `INSERT INTO chunk_embeddings (index_id, chunk_id, model, dimensions, embedding) VALUES ($1, $2, $3, $4, $5::vector)
       ON CONFLICT (index_id, chunk_id) DO UPDATE SET embedding = excluded.embedding`,
      [index.id, chunkId, index.model, dimensions(index), vectorText(embedding)],
    );
  },
  async search(pool, index, embedding, limit) {
    const size = dimensions(index);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL hnsw.iterative_scan = relaxed_order`);
      await client.query(`SET LOCAL hnsw.ef_search = ${Math.max(100, limit)}`);
      const { rows } = await client.query<{ chunk_id: number; distance: number }>(
        `SELECT chunk_id, (embedding::vector(${size})) <=> $2::vector(${size}) AS distance
         FROM chunk_embeddings
         WHERE model = ${sqlLiteral(index.model)} AND dimensions = ${size} AND index_id = $1
         ORDER BY (embedding::vector(${size})) <=> $2::vector(${size}) LIMIT $3`,
        [index.id, vectorText(embedding), limit],
      );
      await client.query('COMMIT');
      // relaxed_order may return neighbours slightly out of order.
      return rows.map((row) => ({ chunkId: row.chunk_id, distance: Number(row.distance) })).sort((a, b) => a.distance - b.distance);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  },
  decode(stored) {
    return Float32Array.from(JSON.parse(String(stored)) as number[]);
  },
};
