import type pg from 'pg';
import { searchTerms } from '../full-text-terms.ts';
import { analyzedText } from '../text-analyzer.ts';
import { searchBm25 } from './bm25-search.ts';
import type { ChunkRecord, ChunkRepository, NewChunk } from '../store.ts';
import { now, transaction } from './postgres-database.ts';
import type { VectorLayout } from './vector-layout.ts';

export interface ChunkRow {
  id: number;
  document_id: number;
  project_id: number;
  filename: string;
  chunk_index: number;
  content: string;
  start_char: number;
  end_char: number;
  page: number | null;
  heading: string | null;
  sheet: string | null;
  rows: string | null;
}

export function toChunkRecord(row: ChunkRow): ChunkRecord {
  return {
    id: row.id,
    documentId: row.document_id,
    projectId: row.project_id,
    filename: row.filename,
    chunkIndex: row.chunk_index,
    content: row.content,
    startChar: row.start_char,
    endChar: row.end_char,
    page: row.page,
    heading: row.heading,
    sheet: row.sheet,
    rows: row.rows,
  };
}

export function createPostgresChunkRepository(pool: pg.Pool, layout: VectorLayout): ChunkRepository {
  async function insertChunks(client: pg.PoolClient, projectId: number, documentId: number, chunks: NewChunk[]): Promise<number[]> {
    if (chunks.length === 0) return [];
    const { rows } = await client.query<{ id: number; chunk_index: number }>(
      `INSERT INTO chunks (document_id, project_id, chunk_index, content, start_char, end_char, page, heading, sheet, rows, search_text)
       SELECT $1, $2, * FROM unnest($3::int[], $4::text[], $5::int[], $6::int[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[])
       RETURNING id, chunk_index`,
      [
        documentId,
        projectId,
        chunks.map((chunk) => chunk.chunkIndex),
        chunks.map((chunk) => chunk.content),
        chunks.map((chunk) => chunk.startChar),
        chunks.map((chunk) => chunk.endChar),
        chunks.map((chunk) => chunk.page ?? null),
        chunks.map((chunk) => chunk.heading ?? null),
        chunks.map((chunk) => chunk.sheet ?? null),
        chunks.map((chunk) => chunk.rows ?? null),
        chunks.map((chunk) => chunk.terms ?? analyzedText(chunk.content)),
      ],
    );
    const byIndex = new Map(rows.map((row) => [row.chunk_index, row.id]));
    return chunks.map((chunk) => byIndex.get(chunk.chunkIndex)!);
  }

  async function insertVectors(
    client: pg.PoolClient,
    vectors: { indexId: number; embeddings: ArrayLike<number>[] },
    ids: number[],
    documentId: number,
  ): Promise<void> {
    if (vectors.embeddings.length !== ids.length) throw new RangeError('one vector per chunk is needed');
    const index = (
      await client.query<{ id: number; model: string; dimensions: number; status: string }>(
        'SELECT id, model, dimensions, status FROM embedding_indexes WHERE id = $1',
        [vectors.indexId],
      )
    ).rows[0];
    if (!index || index.status === 'retired') return;
    // A real[] column takes any length, so the index's dimension is checked here (pgvector and
    // sqlite-vec refuse such a vector themselves): a wrong one fails the whole document's write.
    for (const embedding of vectors.embeddings)
      if (embedding.length !== index.dimensions)
        throw new RangeError(`a vector of ${embedding.length} dimensions for an index of ${index.dimensions}`);
    for (const [position, chunkId] of ids.entries()) await layout.upsert(client, index, chunkId, vectors.embeddings[position]!);
    if (index.status === 'active') await client.query('UPDATE documents SET embedding_model = $1 WHERE id = $2', [index.model, documentId]);
  }

  return {
    async indexDocument(input) {
      return transaction(pool, async (client) => {
        const document = (
          await client.query<{ project_id: number }>('SELECT project_id FROM documents WHERE id = $1 FOR UPDATE', [input.documentId])
        ).rows[0];
        if (!document) return undefined;
        // Old vectors and postings go with the old chunks (cascade).
        await client.query('DELETE FROM chunks WHERE document_id = $1', [input.documentId]);
        const ids = await insertChunks(client, document.project_id, input.documentId, input.chunks);
        await client.query(
          `UPDATE documents SET stage = 'indexing', chunk_count = $1, page_count = $2, word_count = $3, parsed_metadata = $4,
             embedding_model = NULL, updated_at = $5 WHERE id = $6`,
          [input.chunks.length, input.pageCount, input.wordCount, JSON.stringify(input.parsedMetadata), now(), input.documentId],
        );
        // The vectors in the same transaction (after the counts, which clear the embedding model).
        if (input.vectors) await insertVectors(client, input.vectors, ids, input.documentId);
        return ids;
      });
    },

    async searchFullText({ projectId, query, limit }) {
      return searchBm25(pool, projectId, searchTerms(query), limit);
    },

    async findByIds(projectId, ids) {
      if (ids.length === 0) return [];
      const { rows } = await pool.query<ChunkRow>(
        `SELECT c.*, d.filename FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.project_id = $1 AND c.id = ANY($2::int[])`,
        [projectId, ids],
      );
      const byId = new Map(rows.map((row) => [row.id, toChunkRecord(row)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    async countByProject(projectId) {
      const { rows } = await pool.query<{ count: number }>(
        'SELECT COALESCE(SUM(chunk_count), 0)::int AS count FROM documents WHERE project_id = $1',
        [projectId],
      );
      return rows[0]?.count ?? 0;
    },

    async listMissingVectors({ projectId, indexId, limit }) {
      const { rows } = await pool.query<{ id: number; document_id: number; content: string }>(
        `SELECT c.id, c.document_id, c.content FROM chunks c JOIN documents d ON d.id = c.document_id
         WHERE c.project_id = $1 AND d.status = 'completed'
           AND NOT EXISTS (SELECT 1 FROM ${layout.table} v WHERE v.index_id = $2 AND v.chunk_id = c.id)
         ORDER BY c.id LIMIT $3`,
        [projectId, indexId, limit],
      );
      return rows.map((row) => ({ id: row.id, documentId: row.document_id, content: row.content }));
    },
  };
}
