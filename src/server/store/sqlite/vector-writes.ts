import { vectorTableName } from './document-index-cleanup.ts';
import type { SqliteDatabase } from './sqlite-database.ts';
import { prepareVectorWriteLog } from './vector-changes.ts';
import { vectorBlob } from './vector-search.ts';

export type VectorWriter = (indexId: number, items: Array<{ chunkId: number; embedding: ArrayLike<number> }>) => number;

/**
 * Writes vectors into an index version's vec0 table, synchronously: the caller runs it inside its
 * transaction (the vector repository alone, or the chunk repository with the document's chunks).
 * Chunks that are gone are skipped; each write clears the backlog entry and is logged for the
 * background worker's approximate index. Returns how many were written.
 */
export function createVectorWriter(db: SqliteDatabase): VectorWriter {
  const statements = {
    index: db.prepare<[number], { project_id: number; model: string; status: string }>(
      'SELECT project_id, model, status FROM embedding_indexes WHERE id = ?',
    ),
    chunkExists: db.prepare<[number, number], { document_id: number }>('SELECT document_id FROM chunks WHERE id = ? AND project_id = ?'),
    markDocument: db.prepare(`UPDATE documents SET embedding_model = ? WHERE id = ?`),
    clearBacklog: db.prepare('DELETE FROM vector_backlog WHERE index_id = ? AND chunk_id = ?'),
    logWrite: prepareVectorWriteLog(db),
  };
  return (indexId, items) => {
    const index = statements.index.get(indexId);
    if (!index || index.status === 'retired' || items.length === 0) return 0;
    const table = vectorTableName(indexId);
    const upsertDelete = db.prepare(`DELETE FROM ${table} WHERE chunk_id = ?`);
    const insert = db.prepare(`INSERT INTO ${table} (chunk_id, embedding) VALUES (?, ?)`);
    let written = 0;
    const documents = new Set<number>();
    for (const item of items) {
      const chunk = statements.chunkExists.get(item.chunkId, index.project_id);
      if (!chunk) continue;
      upsertDelete.run(BigInt(item.chunkId));
      insert.run(BigInt(item.chunkId), vectorBlob(item.embedding));
      statements.clearBacklog.run(indexId, item.chunkId);
      statements.logWrite.run(indexId, item.chunkId);
      documents.add(chunk.document_id);
      written += 1;
    }
    if (index.status === 'active') for (const documentId of documents) statements.markDocument.run(index.model, documentId);
    return written;
  };
}
