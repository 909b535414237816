/**
 * The "needs embedding" marker: one row per (live index version, chunk without a vector there yet).
 * Finding work for the embedder is then an indexed range read instead of an anti-join of every chunk
 * of the project against its vec0 table (3.4 s at 200k chunks, on the event loop, every 30 s).
 *
 * Triggers keep it in step with chunks; the vector repository removes a row when it writes the
 * vector. A new index version is seeded lazily, page by page (`backlog_seeded_through`: the chunk id
 * seeding has reached; NULL once done), so that creating one never scans the project in one call.
 * Existing live versions start unseeded: the first look fills their backlog in pages.
 */
export const sql = /* sql */ `
CREATE TABLE vector_backlog (
  index_id INTEGER NOT NULL,
  chunk_id INTEGER NOT NULL,
  PRIMARY KEY (index_id, chunk_id)
) WITHOUT ROWID;
CREATE INDEX vector_backlog_chunk ON vector_backlog (chunk_id);

ALTER TABLE embedding_indexes ADD COLUMN backlog_seeded_through INTEGER;
UPDATE embedding_indexes SET backlog_seeded_through = 0 WHERE status <> 'retired';

CREATE TRIGGER chunks_vector_backlog_insert AFTER INSERT ON chunks BEGIN
  INSERT OR IGNORE INTO vector_backlog (index_id, chunk_id)
    SELECT id, new.id FROM embedding_indexes WHERE project_id = new.project_id AND status <> 'retired';
END;
CREATE TRIGGER chunks_vector_backlog_delete AFTER DELETE ON chunks BEGIN
  DELETE FROM vector_backlog WHERE chunk_id = old.id;
END;
`;
