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
