import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './sqlite-database.ts';

/**
 * Logs a written vector for the background worker's approximate index (migration 010). Call it in
 * the transaction that writes the vec0 row; a deleted chunk is logged by trigger.
 */
export function prepareVectorWriteLog(db: SqliteDatabase): Statement<[number, number]> {
  return db.prepare<[number, number]>('INSERT INTO vector_changes (index_id, chunk_id, removed) VALUES (?, ?, 0)');
}

/** The highest change number ever given out (0 before the first): a saved index newer than this belongs to another file. */
export function lastVectorChange(db: SqliteDatabase): number {
  const row = db.prepare<[], { seq: number }>(`SELECT seq FROM sqlite_sequence WHERE name = 'vector_changes'`).get();
  return row?.seq ?? 0;
}
