import { runInPages } from './paged-work.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

/** The vec0 table of an index version. Ids come from the database, never from a client. */
export function vectorTableName(indexId: number): string {
  if (!Number.isSafeInteger(indexId) || indexId <= 0) throw new Error(`bad index id ${indexId}`);
  return `vec_index_${indexId}`;
}

/**
 * Removes a document's vectors from every live index of its project. vec0 tables cannot take part in
 * foreign keys, so this runs inside the caller's transaction before the chunks themselves go.
 */
export function deleteDocumentVectors(db: SqliteDatabase, documentId: number): void {
  const indexes = db
    .prepare<[number], { id: number }>(
      `SELECT e.id FROM embedding_indexes e JOIN documents d ON d.project_id = e.project_id
       WHERE d.id = ? AND e.status <> 'retired'`,
    )
    .all(documentId);
  if (indexes.length === 0) return;
  const chunkIds = db.prepare<[number], { id: number }>('SELECT id FROM chunks WHERE document_id = ?').all(documentId);
  for (const index of indexes) {
    const remove = db.prepare(`DELETE FROM ${vectorTableName(index.id)} WHERE chunk_id = ?`);
    for (const chunk of chunkIds) remove.run(BigInt(chunk.id));
  }
}

/**
 * Removes a document's chunks (with their full-text and backlog rows, by trigger) and its vectors in
 * short pages, each its own transaction, so that a document of many thousand chunks never blocks
 * the event loop in one call. Safe to repeat: every page takes what is left. The caller's last,
 * small transaction then finds nothing left to remove and changes the document itself.
 */
export async function purgeDocumentChunks(db: SqliteDatabase, documentId: number): Promise<number> {
  const chunkPage = db.prepare<[number, number], { id: number }>('SELECT id FROM chunks WHERE document_id = ? ORDER BY id LIMIT ?');
  const liveIndexes = db.prepare<[number], { id: number }>(
    `SELECT e.id FROM embedding_indexes e JOIN documents d ON d.project_id = e.project_id WHERE d.id = ? AND e.status <> 'retired'`,
  );
  const deleteChunk = db.prepare<[number]>('DELETE FROM chunks WHERE id = ?');
  const page = db.transaction((limit: number) => {
    const chunks = chunkPage.all(documentId, limit);
    if (chunks.length === 0) return 0;
    for (const index of liveIndexes.all(documentId)) {
      const remove = db.prepare<[bigint]>(`DELETE FROM ${vectorTableName(index.id)} WHERE chunk_id = ?`);
      for (const chunk of chunks) remove.run(BigInt(chunk.id));
    }
    for (const chunk of chunks) deleteChunk.run(chunk.id);
    return chunks.length;
  });
  return runInPages((limit) => page(limit));
}
