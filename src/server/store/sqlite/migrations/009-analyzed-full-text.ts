/**
 * Full text over analyzed terms: the FTS5 index holds each chunk's terms as the shared English
 * analyzer makes them (text-analyzer.ts: possessives dropped, Lucene's stop words removed, Snowball
 * stemming), computed by the `daa_analyze()` SQL function every connection registers, so SQLite and
 * PostgreSQL index the same terms. Contentless (the text stays in `chunks`); every chunk is
 * re-indexed here. Measured on SciFact and Cranfield (bench/README.md): Porter on raw text scored
 * 0.003 (SciFact) and 0.005 (Cranfield) nDCG@10 lower.
 */
export const sql = /* sql */ `
DROP TRIGGER IF EXISTS chunks_fts_insert;
DROP TRIGGER IF EXISTS chunks_fts_delete;
DROP TRIGGER IF EXISTS chunks_fts_update;
DROP TABLE IF EXISTS chunks_fts;
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  terms,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO chunks_fts (rowid, terms) SELECT id, daa_analyze(content) FROM chunks;
CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, terms) VALUES (new.id, daa_analyze(new.content));
END;
CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
  DELETE FROM chunks_fts WHERE rowid = old.id;
END;
CREATE TRIGGER chunks_fts_update AFTER UPDATE OF content ON chunks BEGIN
  DELETE FROM chunks_fts WHERE rowid = old.id;
  INSERT INTO chunks_fts (rowid, terms) VALUES (new.id, daa_analyze(new.content));
END;
`;
