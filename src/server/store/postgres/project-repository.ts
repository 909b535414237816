import type pg from 'pg';
import { ConflictError } from '../../errors.ts';
import type { ProjectRecord, ProjectRepository } from '../store.ts';
import { isUniqueViolation, now, parseJson, transaction } from './postgres-database.ts';
import { mergeSettings } from '../merge-settings.ts';

interface ProjectRow {
  id: number;
  name: string;
  description: string | null;
  settings: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  document_count: number;
  chat_count: number;
  total_chunks: number;
}

const SELECT_PROJECT = `
  SELECT p.*,
    (SELECT COUNT(*)::int FROM documents d WHERE d.project_id = p.id) AS document_count,
    (SELECT COUNT(*)::int FROM chats c WHERE c.project_id = p.id AND c.deleted_at IS NULL) AS chat_count,
    (SELECT COALESCE(SUM(d.chunk_count), 0)::int FROM documents d WHERE d.project_id = p.id AND d.status = 'completed') AS total_chunks
  FROM projects p`;

function toRecord(row: ProjectRow): ProjectRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    settings: parseJson<Record<string, unknown>>(row.settings, {}),
    documentCount: row.document_count,
    chatCount: row.chat_count,
    totalChunks: row.total_chunks,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

const PAGE = 5_000;

export function createPostgresProjectRepository(pool: pg.Pool): ProjectRepository {
  async function byId(id: number, includeDeleted = false, client: pg.Pool | pg.PoolClient = pool) {
    const { rows } = await client.query<ProjectRow>(
      `${SELECT_PROJECT} WHERE p.id = $1 ${includeDeleted ? 'AND p.importing = 0' : 'AND p.deleted_at IS NULL'}`,
      [id],
    );
    return rows[0];
  }

  return {
    async create({ name, description, settings }) {
      const timestamp = now();
      try {
        const { rows } = await pool.query<{ id: number }>(
          'INSERT INTO projects (name, description, settings, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id',
          [name, description, JSON.stringify(settings), timestamp],
        );
        return toRecord((await byId(rows[0]!.id))!);
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError(`Project with name '${name}' already exists`, { cause: error });
        throw error;
      }
    },

    async findById(id, options = {}) {
      const row = await byId(id, options.includeDeleted);
      return row ? toRecord(row) : undefined;
    },

    async list({ skip, limit, includeDeleted, memberUserId }) {
      // $3 NULL: every project; else only those the user is a member of.
      const { rows } = await pool.query<ProjectRow>(
        `${SELECT_PROJECT} WHERE ${includeDeleted ? 'p.importing = 0' : 'p.deleted_at IS NULL'}
           AND ($3::int IS NULL OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = $3::int))
         ORDER BY p.updated_at DESC, p.id DESC LIMIT $1 OFFSET $2`,
        [limit, skip, memberUserId ?? null],
      );
      return rows.map(toRecord);
    },

    async update(id, patch) {
      try {
        return await transaction(pool, async (client) => {
          // The row lock makes read-and-write one step for concurrent updates from any process.
          const locked = await client.query<ProjectRow>('SELECT * FROM projects WHERE id = $1 AND deleted_at IS NULL FOR UPDATE', [id]);
          const current = locked.rows[0];
          if (!current) return undefined;
          const name = patch.name ?? current.name;
          const description = patch.description !== undefined ? patch.description : current.description;
          const settings = mergeSettings(parseJson<Record<string, unknown>>(current.settings, {}), patch.settings);
          patch.verify?.(settings);
          await client.query('UPDATE projects SET name = $1, description = $2, settings = $3, updated_at = $4 WHERE id = $5', [
            name,
            description,
            JSON.stringify(settings),
            now(),
            id,
          ]);
          return toRecord((await byId(id, false, client))!);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError(`Project with name '${patch.name}' already exists`, { cause: error });
        throw error;
      }
    },

    async softDelete(id) {
      const timestamp = now();
      const result = await pool.query('UPDATE projects SET deleted_at = $1, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL', [
        timestamp,
        id,
      ]);
      return (result.rowCount ?? 0) > 0;
    },

    async hardDelete(id) {
      const exists = await pool.query('SELECT 1 FROM projects WHERE id = $1', [id]);
      if (exists.rowCount === 0) return false;
      const timestamp = now();
      await transaction(pool, async (client) => {
        await client.query('UPDATE projects SET deleted_at = COALESCE(deleted_at, $1), updated_at = $1 WHERE id = $2', [timestamp, id]);
        await client.query(
          `UPDATE embedding_indexes SET status = 'retired', updated_at = $1 WHERE project_id = $2 AND status <> 'retired'`,
          [timestamp, id],
        );
      });
      // Short pages: each chunk also takes its postings and vectors (cascade).
      for (;;) {
        const result = await pool.query(
          'DELETE FROM chunks WHERE id IN (SELECT id FROM chunks WHERE project_id = $1 ORDER BY id LIMIT $2)',
          [id, PAGE],
        );
        if ((result.rowCount ?? 0) < PAGE) break;
      }
      const result = await pool.query('DELETE FROM projects WHERE id = $1', [id]);
      return (result.rowCount ?? 0) > 0;
    },

    async statistics(id) {
      const { rows } = await pool.query<{
        document_count: number;
        total_chunks: number;
        total_size_bytes: number;
        chat_count: number;
        message_count: number;
      }>(
        `SELECT
          (SELECT COUNT(*)::int FROM documents WHERE project_id = $1) AS document_count,
          (SELECT COALESCE(SUM(chunk_count), 0)::int FROM documents WHERE project_id = $1 AND status = 'completed') AS total_chunks,
          (SELECT COALESCE(SUM(file_size), 0)::float8 FROM documents WHERE project_id = $1) AS total_size_bytes,
          (SELECT COUNT(*)::int FROM chats WHERE project_id = $1 AND deleted_at IS NULL) AS chat_count,
          (SELECT COUNT(*)::int FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.project_id = $1 AND c.deleted_at IS NULL) AS message_count`,
        [id],
      );
      const row = rows[0]!;
      return {
        documentCount: row.document_count,
        totalChunks: row.total_chunks,
        totalSizeBytes: row.total_size_bytes,
        chatCount: row.chat_count,
        messageCount: row.message_count,
      };
    },
  };
}
