/**
 * The change feed of the vector tables, read by the approximate (HNSW) index that the store's
 * background worker keeps beside each large index version (`vector-index/`). vec0 tables take no
 * triggers, so the vector repository logs each written vector in the same transaction; a deleted
 * chunk is logged here by trigger, for every live version of its project. The worker replays what is
 * newer than its saved index file (replaying is idempotent), then prunes what it has saved.
 */
export const sql = /* sql */ `
CREATE TABLE vector_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  index_id INTEGER NOT NULL,
  chunk_id INTEGER NOT NULL,
  removed INTEGER NOT NULL
);
CREATE INDEX vector_changes_index ON vector_changes (index_id, seq);

CREATE TRIGGER chunks_vector_changes_delete AFTER DELETE ON chunks BEGIN
  INSERT INTO vector_changes (index_id, chunk_id, removed)
    SELECT id, old.id, 1 FROM embedding_indexes WHERE project_id = old.project_id AND status <> 'retired';
END;
`;
