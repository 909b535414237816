import { ConflictError } from '../../errors.ts';
import type { ProjectRecord, ProjectRepository, ProjectStatistics } from '../store.ts';
import { mergeSettings } from '../merge-settings.ts';
import { runInPages } from './paged-work.ts';
import { now, parseJson, type SqliteDatabase } from './sqlite-database.ts';

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
    (SELECT COUNT(*) FROM documents d WHERE d.project_id = p.id) AS document_count,
    (SELECT COUNT(*) FROM chats c WHERE c.project_id = p.id AND c.deleted_at IS NULL) AS chat_count,
    (SELECT COALESCE(SUM(d.chunk_count), 0) FROM documents d
       WHERE d.project_id = p.id AND d.status = 'completed') AS total_chunks
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

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function createSqliteProjectRepository(db: SqliteDatabase): ProjectRepository {
  const statements = {
    insert: db.prepare('INSERT INTO projects (name, description, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
    byId: db.prepare<[number], ProjectRow>(`${SELECT_PROJECT} WHERE p.id = ? AND p.deleted_at IS NULL`),
    // A project still being imported is in no listing, not even the trash.
    byIdAny: db.prepare<[number], ProjectRow>(`${SELECT_PROJECT} WHERE p.id = ? AND p.importing = 0`),
    list: db.prepare<[number, number], ProjectRow>(
      `${SELECT_PROJECT} WHERE p.deleted_at IS NULL ORDER BY p.updated_at DESC, p.id DESC LIMIT ? OFFSET ?`,
    ),
    listAll: db.prepare<[number, number], ProjectRow>(
      `${SELECT_PROJECT} WHERE p.importing = 0 ORDER BY p.updated_at DESC, p.id DESC LIMIT ? OFFSET ?`,
    ),
    listOfMember: db.prepare<[number, number, number, number], ProjectRow>(
      `${SELECT_PROJECT} JOIN project_members m ON m.project_id = p.id AND m.user_id = ?
       WHERE (? = 1 OR p.deleted_at IS NULL) ORDER BY p.updated_at DESC, p.id DESC LIMIT ? OFFSET ?`,
    ),
    update: db.prepare('UPDATE projects SET name = ?, description = ?, settings = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL'),
    softDelete: db.prepare('UPDATE projects SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL'),
    hardDelete: db.prepare('DELETE FROM projects WHERE id = ?'),
    exists: db.prepare<[number], { id: number }>('SELECT id FROM projects WHERE id = ?'),
    hide: db.prepare('UPDATE projects SET deleted_at = COALESCE(deleted_at, ?), updated_at = ? WHERE id = ?'),
    retireIndexes: db.prepare(
      `UPDATE embedding_indexes SET status = 'retired', updated_at = ? WHERE project_id = ? AND status <> 'retired'`,
    ),
    // Keyset pages from the front of the project's chunk index (chunks_project is (project_id, id)).
    deleteChunkPage: db.prepare<[number, number]>(
      `DELETE FROM chunks WHERE id IN (SELECT id FROM chunks WHERE project_id = ? ORDER BY id LIMIT ?)`,
    ),
    deleteMessagePage: db.prepare<[number, number]>(
      `DELETE FROM messages WHERE id IN (
         SELECT m.id FROM chats c JOIN messages m ON m.chat_id = c.id WHERE c.project_id = ? LIMIT ?)`,
    ),
    statistics: db.prepare<
      [number, number, number, number, number],
      {
        document_count: number;
        total_chunks: number;
        total_size_bytes: number;
        chat_count: number;
        message_count: number;
      }
    >(`SELECT
        (SELECT COUNT(*) FROM documents WHERE project_id = ?) AS document_count,
        (SELECT COALESCE(SUM(chunk_count), 0) FROM documents WHERE project_id = ? AND status = 'completed') AS total_chunks,
        (SELECT COALESCE(SUM(file_size), 0) FROM documents WHERE project_id = ?) AS total_size_bytes,
        (SELECT COUNT(*) FROM chats WHERE project_id = ? AND deleted_at IS NULL) AS chat_count,
        (SELECT COUNT(*) FROM messages m JOIN chats c ON c.id = m.chat_id
           WHERE c.project_id = ? AND c.deleted_at IS NULL) AS message_count`),
  };

  // IMMEDIATE: the write lock is taken before the read, so a merge from another process (on the
  // same file) cannot slip in between and be overwritten.
  const updateProject = db.transaction((id: number, patch: Parameters<ProjectRepository['update']>[1]): ProjectRecord | undefined => {
    const current = statements.byId.get(id);
    if (!current) return undefined;
    const name = patch.name ?? current.name;
    const description = patch.description !== undefined ? patch.description : current.description;
    const settings = mergeSettings(parseJson<Record<string, unknown>>(current.settings, {}), patch.settings);
    patch.verify?.(settings);
    statements.update.run(name, description, JSON.stringify(settings), now(), id);
    return toRecord(statements.byId.get(id) as ProjectRow);
  }).immediate;

  return {
    async create({ name, description, settings }) {
      const timestamp = now();
      try {
        const result = statements.insert.run(name, description, JSON.stringify(settings), timestamp, timestamp);
        return toRecord(statements.byId.get(Number(result.lastInsertRowid)) as ProjectRow);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`Project with name '${name}' already exists`, { cause: error });
        }
        throw error;
      }
    },

    async findById(id, options = {}) {
      const row = (options.includeDeleted ? statements.byIdAny : statements.byId).get(id);
      return row ? toRecord(row) : undefined;
    },

    async list({ skip, limit, includeDeleted, memberUserId }) {
      if (memberUserId !== undefined) {
        return statements.listOfMember.all(memberUserId, includeDeleted ? 1 : 0, limit, skip).map(toRecord);
      }
      return (includeDeleted ? statements.listAll : statements.list).all(limit, skip).map(toRecord);
    },

    async update(id, patch) {
      try {
        return updateProject(id, patch);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`Project with name '${patch.name}' already exists`, { cause: error });
        }
        throw error;
      }
    },

    async softDelete(id) {
      const timestamp = now();
      return statements.softDelete.run(timestamp, timestamp, id).changes > 0;
    },

    async hardDelete(id) {
      if (!statements.exists.get(id)) return false;
      const timestamp = now();
      db.transaction(() => {
        statements.hide.run(timestamp, timestamp, id);
        statements.retireIndexes.run(timestamp, id);
      })();
      // Each chunk also takes its full-text and backlog rows (triggers): pages keep each step short.
      await runInPages((limit) => statements.deleteChunkPage.run(id, limit).changes);
      await runInPages((limit) => statements.deleteMessagePage.run(id, limit).changes, { firstPage: 1_000 });
      // What is left (documents, chats, jobs, index rows) is small: the cascade takes it.
      return statements.hardDelete.run(id).changes > 0;
    },

    async statistics(id): Promise<ProjectStatistics> {
      const row = statements.statistics.get(id, id, id, id, id);
      return {
        documentCount: row?.document_count ?? 0,
        totalChunks: row?.total_chunks ?? 0,
        totalSizeBytes: row?.total_size_bytes ?? 0,
        chatCount: row?.chat_count ?? 0,
        messageCount: row?.message_count ?? 0,
      };
    },
  };
}
