import type { ChunkRecord, ChunkRepository, NewChunk } from '../store.ts';
import { deleteDocumentVectors, purgeDocumentChunks } from './document-index-cleanup.ts';
import { now, offerAnalyzedTerms, type SqliteDatabase } from './sqlite-database.ts';
import { seedVectorBacklog } from './vector-backlog.ts';
import { createVectorWriter } from './vector-writes.ts';

interface ChunkRow {
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

export function toRecord(row: ChunkRow): ChunkRecord {
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

/** Runs a full-text search (the store's reader worker, or this connection for an in-memory store). */
export type FullTextRunner = ChunkRepository['searchFullText'];

export function createSqliteChunkRepository(db: SqliteDatabase, fullText: FullTextRunner): ChunkRepository {
  const statements = {
    document: db.prepare<[number], { id: number; project_id: number }>('SELECT id, project_id FROM documents WHERE id = ?'),
    deleteChunks: db.prepare('DELETE FROM chunks WHERE document_id = ?'),
    insertChunk: db.prepare(
      `INSERT INTO chunks (document_id, project_id, chunk_index, content, start_char, end_char, page, heading, sheet, rows)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    counts: db.prepare(
      `UPDATE documents SET stage = 'indexing', chunk_count = ?, page_count = ?, word_count = ?, parsed_metadata = ?,
         embedding_model = NULL, updated_at = ?
       WHERE id = ?`,
    ),
    // Each document records its chunk count when indexed (0 once failed): summing a project's
    // documents is the same number without counting 200k index entries.
    count: db.prepare<[number], { count: number }>('SELECT COALESCE(SUM(chunk_count), 0) AS count FROM documents WHERE project_id = ?'),
    // The backlog holds exactly the chunks without a vector in the index: a range read, not a scan.
    missingVectors: db.prepare<[number, number, number], { id: number; document_id: number; content: string }>(
      `SELECT c.id, c.document_id, c.content FROM vector_backlog b
       JOIN chunks c ON c.id = b.chunk_id JOIN documents d ON d.id = c.document_id
       WHERE b.index_id = ? AND c.project_id = ? AND d.status = 'completed'
       ORDER BY b.chunk_id LIMIT ?`,
    ),
  };

  const writeVectors = createVectorWriter(db);
  // Chunks, their full-text entries and their vectors in one transaction: a failure anywhere (or a
  // crash) leaves the document as it was, never half indexed.
  const index = db.transaction((input: Parameters<ChunkRepository['indexDocument']>[0]): number[] | undefined => {
    const document = statements.document.get(input.documentId);
    if (!document) return undefined;
    deleteDocumentVectors(db, input.documentId);
    statements.deleteChunks.run(input.documentId);
    const ids: number[] = [];
    for (const chunk of input.chunks) ids.push(insertChunk(document.project_id, input.documentId, chunk));
    statements.counts.run(
      input.chunks.length,
      input.pageCount,
      input.wordCount,
      JSON.stringify(input.parsedMetadata),
      now(),
      input.documentId,
    );
    // After the counts, which clear the document's embedding model: the vectors set it.
    if (input.vectors) {
      const { indexId, embeddings } = input.vectors;
      if (embeddings.length !== ids.length) throw new RangeError('one vector per chunk is needed');
      writeVectors(
        indexId,
        ids.map((chunkId, position) => ({ chunkId, embedding: embeddings[position]! })),
      );
    }
    return ids;
  });

  function insertChunk(projectId: number, documentId: number, chunk: NewChunk): number {
    if (chunk.terms !== undefined) offerAnalyzedTerms(db, chunk.content, chunk.terms);
    const result = statements.insertChunk.run(
      documentId,
      projectId,
      chunk.chunkIndex,
      chunk.content,
      chunk.startChar,
      chunk.endChar,
      chunk.page ?? null,
      chunk.heading ?? null,
      chunk.sheet ?? null,
      chunk.rows ?? null,
    );
    return Number(result.lastInsertRowid);
  }

  return {
    async indexDocument(input) {
      // A re-index first removes the old chunks in pages; the transaction then writes the new ones.
      await purgeDocumentChunks(db, input.documentId);
      return index(input);
    },

    searchFullText: fullText,

    async findByIds(projectId, ids) {
      if (ids.length === 0) return [];
      const rows = db
        .prepare<unknown[], ChunkRow>(
          `SELECT c.*, d.filename FROM chunks c JOIN documents d ON d.id = c.document_id
           WHERE c.project_id = ? AND c.id IN (${ids.map(() => '?').join(',')})`,
        )
        .all(projectId, ...ids);
      const byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    async countByProject(projectId) {
      return statements.count.get(projectId)?.count ?? 0;
    },

    async listMissingVectors({ projectId, indexId, limit }) {
      await seedVectorBacklog(db, indexId);
      return statements.missingVectors
        .all(indexId, projectId, limit)
        .map((row) => ({ id: row.id, documentId: row.document_id, content: row.content }));
    },
  };
}
