import type pg from 'pg';
import { DuplicateDocumentError } from '../../errors.ts';
import type { DocumentRecord, DocumentRepository, DocumentStage, DocumentStatus } from '../store.ts';
import { isUniqueViolation, likePattern, now, parseJson, transaction } from './postgres-database.ts';

export interface DocumentRow {
  id: number;
  project_id: number;
  filename: string;
  file_type: DocumentRecord['fileType'];
  mime_type: string;
  file_size: string | number;
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

export function toDocumentRecord(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    filename: row.filename,
    fileType: row.file_type,
    mimeType: row.mime_type,
    fileSize: Number(row.file_size),
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

export function createPostgresDocumentRepository(pool: pg.Pool): DocumentRepository {
  async function byId(id: number) {
    return (await pool.query<DocumentRow>(`${SELECT_DOCUMENT} AND d.id = $1`, [id])).rows[0];
  }
  async function byHash(projectId: number, contentHash: string) {
    return (await pool.query<DocumentRow>(`${SELECT_DOCUMENT} AND d.project_id = $1 AND d.content_hash = $2`, [projectId, contentHash]))
      .rows[0];
  }

  return {
    async create(input) {
      const timestamp = now();
      try {
        return await transaction(pool, async (client) => {
          const { rows } = await client.query<DocumentRow>(
            `INSERT INTO documents (project_id, filename, file_type, mime_type, file_size, stored_name, content_hash,
               status, stage, progress, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 'queued', 0, $8, $8) RETURNING *`,
            [
              input.projectId,
              input.filename,
              input.fileType,
              input.mimeType,
              input.fileSize,
              input.storedName,
              input.contentHash,
              timestamp,
            ],
          );
          await client.query('UPDATE projects SET updated_at = $1 WHERE id = $2', [timestamp, input.projectId]);
          return toDocumentRecord(rows[0]!);
        });
      } catch (error) {
        if (isUniqueViolation(error, 'documents_project_hash')) {
          const existing = await byHash(input.projectId, input.contentHash);
          throw new DuplicateDocumentError(
            `This content is already in the project as '${existing?.filename ?? 'another document'}'`,
            existing?.id ?? 0,
          );
        }
        throw error;
      }
    },

    async findById(id) {
      const row = await byId(id);
      return row ? toDocumentRecord(row) : undefined;
    },

    async findByHash(projectId, contentHash) {
      const row = await byHash(projectId, contentHash);
      return row ? toDocumentRecord(row) : undefined;
    },

    async list({ projectId, status, skip, limit }) {
      const { rows } = status
        ? await pool.query<DocumentRow>(
            `${SELECT_DOCUMENT} AND d.project_id = $1 AND d.status = $2 ORDER BY d.created_at DESC, d.id DESC LIMIT $3 OFFSET $4`,
            [projectId, status, limit, skip],
          )
        : await pool.query<DocumentRow>(
            `${SELECT_DOCUMENT} AND d.project_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT $2 OFFSET $3`,
            [projectId, limit, skip],
          );
      return rows.map(toDocumentRecord);
    },

    async search({ projectId, query, limit }) {
      const { rows } = await pool.query<DocumentRow>(
        `${SELECT_DOCUMENT} AND d.project_id = $1
           AND (d.filename ILIKE $2 ESCAPE '\\' OR COALESCE(d.doc_metadata, '') ILIKE $2 ESCAPE '\\')
         ORDER BY d.created_at DESC, d.id DESC LIMIT $3`,
        [projectId, likePattern(query), limit],
      );
      return rows.map(toDocumentRecord);
    },

    async update(id, patch) {
      const current = await byId(id);
      if (!current) return undefined;
      const filename = patch.filename ?? current.filename;
      const metadata = patch.docMetadata !== undefined ? patch.docMetadata : parseJson(current.doc_metadata, null);
      await pool.query('UPDATE documents SET filename = $1, doc_metadata = $2, updated_at = $3 WHERE id = $4', [
        filename,
        metadata === null ? null : JSON.stringify(metadata),
        now(),
        id,
      ]);
      return toDocumentRecord((await byId(id))!);
    },

    async setProgress(id, { status, stage, progress, errorMessage }) {
      // null clears the error; undefined keeps it.
      const result = await pool.query(
        `UPDATE documents SET status = $1, stage = $2, progress = $3,
           error_message = CASE WHEN $4::boolean THEN NULL ELSE COALESCE($5, error_message) END, updated_at = $6 WHERE id = $7`,
        [status, stage, Math.round(progress), errorMessage === null, errorMessage ?? null, now(), id],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async markFailed(id, errorMessage) {
      return transaction(pool, async (client) => {
        const found = await client.query('SELECT id FROM documents WHERE id = $1 FOR UPDATE', [id]);
        if (found.rowCount === 0) return false;
        // Vectors and postings go with their chunks (cascade).
        await client.query('DELETE FROM chunks WHERE document_id = $1', [id]);
        await client.query(
          `UPDATE documents SET status = 'failed', stage = 'failed', progress = 0, error_message = $1, chunk_count = 0,
             embedding_model = NULL, updated_at = $2 WHERE id = $3`,
          [errorMessage, now(), id],
        );
        return true;
      });
    },

    async delete(id) {
      const row = await transaction(pool, async (client) => {
        const found = (await client.query<DocumentRow>('SELECT * FROM documents WHERE id = $1 FOR UPDATE', [id])).rows[0];
        if (!found) return undefined;
        await client.query('DELETE FROM chunks WHERE document_id = $1', [id]);
        await client.query('DELETE FROM documents WHERE id = $1', [id]);
        await client.query('UPDATE projects SET updated_at = $1 WHERE id = $2', [now(), found.project_id]);
        return found;
      });
      return row ? toDocumentRecord(row) : undefined;
    },

    async listUnfinished() {
      return (await pool.query<DocumentRow>(`${SELECT_DOCUMENT} AND d.status IN ('pending', 'processing') ORDER BY d.id`)).rows.map(
        toDocumentRecord,
      );
    },

    async listStoredNames(projectId) {
      const { rows } = await pool.query<{ stored_name: string }>(
        'SELECT stored_name FROM documents WHERE project_id = $1 AND stored_name IS NOT NULL',
        [projectId],
      );
      return rows.map((row) => row.stored_name);
    },
  };
}
