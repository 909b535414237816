import { DuplicateDocumentError } from '../../errors.ts';
import type { DocumentRecord, DocumentRepository, DocumentStage, DocumentStatus } from '../store.ts';
import { deleteDocumentVectors, purgeDocumentChunks } from './document-index-cleanup.ts';
import { likePattern, now, parseJson, type SqliteDatabase } from './sqlite-database.ts';

interface DocumentRow {
  id: number;
  project_id: number;
  filename: string;
  file_type: DocumentRecord['fileType'];
  mime_type: string;
  file_size: number;
  stored_name: string | null;
  content_hash: string | null;
  status: DocumentStatus;
  stage: DocumentStage;
  progress: number;
  error_message: string | null;
  page_count: number | null;
  word_count: number | null;
  chunk_count: number;
  doc_metadata: string | null;
  parsed_metadata: string | null;
  embedding_model: string | null;
  created_at: string;
  updated_at: string;
}

const SELECT_DOCUMENT = `SELECT d.* FROM documents d JOIN projects p ON p.id = d.project_id WHERE p.deleted_at IS NULL`;

export function toRecord(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    filename: row.filename,
    fileType: row.file_type,
    mimeType: row.mime_type,
    fileSize: row.file_size,
    storedName: row.stored_name,
    contentHash: row.content_hash,
    status: row.status,
    stage: row.stage,
    progress: row.progress,
    errorMessage: row.error_message,
    pageCount: row.page_count,
    wordCount: row.word_count,
    chunkCount: row.chunk_count,
    docMetadata: parseJson<Record<string, unknown> | null>(row.doc_metadata, null),
    parsedMetadata: parseJson<Record<string, string> | null>(row.parsed_metadata, null),
    embeddingModel: row.embedding_model,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createSqliteDocumentRepository(db: SqliteDatabase): DocumentRepository {
  const statements = {
    insert: db.prepare(
      `INSERT INTO documents (project_id, filename, file_type, mime_type, file_size, stored_name, content_hash,
         status, stage, progress, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 'queued', 0, ?, ?)`,
    ),
    byId: db.prepare<[number], DocumentRow>(`${SELECT_DOCUMENT} AND d.id = ?`),
    byIdAny: db.prepare<[number], DocumentRow>('SELECT * FROM documents WHERE id = ?'),
    byHash: db.prepare<[number, string], DocumentRow>(`${SELECT_DOCUMENT} AND d.project_id = ? AND d.content_hash = ?`),
    list: db.prepare<[number, number, number], DocumentRow>(
      `${SELECT_DOCUMENT} AND d.project_id = ? ORDER BY d.created_at DESC, d.id DESC LIMIT ? OFFSET ?`,
    ),
    listByStatus: db.prepare<[number, string, number, number], DocumentRow>(
      `${SELECT_DOCUMENT} AND d.project_id = ? AND d.status = ? ORDER BY d.created_at DESC, d.id DESC LIMIT ? OFFSET ?`,
    ),
    search: db.prepare<[number, string, string, number], DocumentRow>(
      `${SELECT_DOCUMENT} AND d.project_id = ?
         AND (d.filename LIKE ? ESCAPE '\\' OR COALESCE(d.doc_metadata, '') LIKE ? ESCAPE '\\')
       ORDER BY d.created_at DESC, d.id DESC LIMIT ?`,
    ),
    update: db.prepare('UPDATE documents SET filename = ?, doc_metadata = ?, updated_at = ? WHERE id = ?'),
    progress: db.prepare(
      'UPDATE documents SET status = ?, stage = ?, progress = ?, error_message = COALESCE(?, error_message), updated_at = ? WHERE id = ?',
    ),
    clearError: db.prepare('UPDATE documents SET error_message = NULL WHERE id = ?'),
    fail: db.prepare(
      `UPDATE documents SET status = 'failed', stage = 'failed', progress = 0, error_message = ?, chunk_count = 0,
         embedding_model = NULL, updated_at = ? WHERE id = ?`,
    ),
    deleteChunks: db.prepare('DELETE FROM chunks WHERE document_id = ?'),
    delete: db.prepare('DELETE FROM documents WHERE id = ?'),
    unfinished: db.prepare<[], DocumentRow>(`${SELECT_DOCUMENT} AND d.status IN ('pending', 'processing') ORDER BY d.id`),
    storedNames: db.prepare<[number], { stored_name: string }>(
      'SELECT stored_name FROM documents WHERE project_id = ? AND stored_name IS NOT NULL',
    ),
    touchProject: db.prepare('UPDATE projects SET updated_at = ? WHERE id = ?'),
  };

  const markFailed = db.transaction((id: number, message: string) => {
    if (!statements.byIdAny.get(id)) return false;
    deleteDocumentVectors(db, id);
    statements.deleteChunks.run(id);
    statements.fail.run(message, now(), id);
    return true;
  });

  const remove = db.transaction((id: number) => {
    const row = statements.byIdAny.get(id);
    if (!row) return undefined;
    deleteDocumentVectors(db, id);
    statements.deleteChunks.run(id);
    statements.delete.run(id);
    statements.touchProject.run(now(), row.project_id);
    return row;
  });

  return {
    async create(input) {
      const timestamp = now();
      try {
        const result = db.transaction(() => {
          const inserted = statements.insert.run(
            input.projectId,
            input.filename,
            input.fileType,
            input.mimeType,
            input.fileSize,
            input.storedName,
            input.contentHash,
            timestamp,
            timestamp,
          );
          statements.touchProject.run(timestamp, input.projectId);
          return inserted;
        })();
        return toRecord(statements.byIdAny.get(Number(result.lastInsertRowid)) as DocumentRow);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          const existing = statements.byHash.get(input.projectId, input.contentHash);
          throw new DuplicateDocumentError(
            `This content is already in the project as '${existing?.filename ?? 'another document'}'`,
            existing?.id ?? 0,
          );
        }
        throw error;
      }
    },

    async findById(id) {
      const row = statements.byId.get(id);
      return row ? toRecord(row) : undefined;
    },

    async findByHash(projectId, contentHash) {
      const row = statements.byHash.get(projectId, contentHash);
      return row ? toRecord(row) : undefined;
    },

    async list({ projectId, status, skip, limit }) {
      const rows = status ? statements.listByStatus.all(projectId, status, limit, skip) : statements.list.all(projectId, limit, skip);
      return rows.map(toRecord);
    },

    async search({ projectId, query, limit }) {
      const pattern = likePattern(query);
      return statements.search.all(projectId, pattern, pattern, limit).map(toRecord);
    },

    async update(id, patch) {
      const current = statements.byId.get(id);
      if (!current) return undefined;
      const filename = patch.filename ?? current.filename;
      const metadata = patch.docMetadata !== undefined ? patch.docMetadata : parseJson(current.doc_metadata, null);
      statements.update.run(filename, metadata === null ? null : JSON.stringify(metadata), now(), id);
      return toRecord(statements.byId.get(id) as DocumentRow);
    },

    async setProgress(id, { status, stage, progress, errorMessage }) {
      const changed = statements.progress.run(status, stage, Math.round(progress), errorMessage ?? null, now(), id).changes > 0;
      if (changed && errorMessage === null) statements.clearError.run(id);
      return changed;
    },

    async markFailed(id, errorMessage) {
      if (!statements.byIdAny.get(id)) return false;
      // Chunks and vectors in pages first; the transaction then removes what a racing write added.
      await purgeDocumentChunks(db, id);
      return markFailed(id, errorMessage);
    },

    async delete(id) {
      if (!statements.byIdAny.get(id)) return undefined;
      await purgeDocumentChunks(db, id);
      const row = remove(id);
      return row ? toRecord(row) : undefined;
    },

    async listUnfinished() {
      return statements.unfinished.all().map(toRecord);
    },

    async listStoredNames(projectId) {
      return statements.storedNames.all(projectId).map((row) => row.stored_name);
    },
  };
}
