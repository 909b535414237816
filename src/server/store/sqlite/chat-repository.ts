import { type SearchMatchRow, toMatch } from '../search-match.ts';
import { type ChatRecord, type ChatRepository, type ChatSearchHit, SEARCH_MATCH_LEAD, SEARCH_MATCH_WINDOW } from '../store.ts';
import { likePattern, now, type SqliteDatabase } from './sqlite-database.ts';

interface ChatRow {
  id: number;
  project_id: number;
  title: string;
  title_is_custom: number;
  created_by: number | null;
  model: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  message_count: number;
}

const SELECT_CHAT = `
  SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id) AS message_count
  FROM chats c JOIN projects p ON p.id = c.project_id
  WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL`;

export function toRecord(row: ChatRow): ChatRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    title: row.title,
    titleIsCustom: row.title_is_custom === 1,
    createdBy: row.created_by ?? null,
    model: row.model ?? null,
    messageCount: row.message_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

interface SearchParams {
  projectId: number;
  filter: number;
  createdBy: number | null;
  pattern: string;
  needle: string;
  limit: number;
}

export function createSqliteChatRepository(db: SqliteDatabase): ChatRepository {
  const statements = {
    insert: db.prepare(
      'INSERT INTO chats (project_id, title, title_is_custom, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    touchProject: db.prepare('UPDATE projects SET updated_at = ? WHERE id = ?'),
    byId: db.prepare<[number], ChatRow>(`${SELECT_CHAT} AND c.id = ?`),
    // `filter` 0: every chat; 1: only those whose creator IS the given id (NULL: chats without one).
    byProject: db.prepare<[number, number, number | null, number, number], ChatRow>(
      `${SELECT_CHAT} AND c.project_id = ? AND (? = 0 OR c.created_by IS ?) ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?`,
    ),
    // The newest message that matches, cut to a window around the first match (instr on lower():
    // ASCII case-folding, as LIKE's). Named parameters: the pattern and the needle appear twice.
    search: db.prepare<SearchParams, ChatRow & SearchMatchRow>(
      `SELECT hit.*, substr(hit.matched_content, max(1, instr(lower(hit.matched_content), lower(@needle)) - ${SEARCH_MATCH_LEAD}), ${SEARCH_MATCH_WINDOW}) AS match_text,
              max(1, instr(lower(hit.matched_content), lower(@needle)) - ${SEARCH_MATCH_LEAD}) AS match_start,
              length(hit.matched_content) AS match_length
       FROM (
       SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id) AS message_count,
              (SELECT m.content FROM messages m WHERE m.chat_id = c.id AND m.content LIKE @pattern ESCAPE '\\' ORDER BY m.id DESC LIMIT 1) AS matched_content
       FROM chats c JOIN projects p ON p.id = c.project_id
       WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL AND c.project_id = @projectId AND (@filter = 0 OR c.created_by IS @createdBy)
         AND (c.title LIKE @pattern ESCAPE '\\'
              OR EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = c.id AND m.content LIKE @pattern ESCAPE '\\'))
       ORDER BY c.updated_at DESC, c.id DESC LIMIT @limit
       ) hit ORDER BY hit.updated_at DESC, hit.id DESC`,
    ),
    update: db.prepare('UPDATE chats SET title = ?, title_is_custom = ?, model = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL'),
    softDelete: db.prepare('UPDATE chats SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL'),
  };

  const create = db.transaction((projectId: number, title: string, titleIsCustom: boolean, createdBy: number | null) => {
    const timestamp = now();
    const result = statements.insert.run(projectId, title, titleIsCustom ? 1 : 0, createdBy, timestamp, timestamp);
    statements.touchProject.run(timestamp, projectId);
    return Number(result.lastInsertRowid);
  });

  return {
    async create({ projectId, title, titleIsCustom, createdBy }) {
      const id = create(projectId, title, titleIsCustom, createdBy ?? null);
      return toRecord(statements.byId.get(id) as ChatRow);
    },

    async findById(id) {
      const row = statements.byId.get(id);
      return row ? toRecord(row) : undefined;
    },

    async listByProject({ projectId, skip, limit, createdBy }) {
      return statements.byProject.all(projectId, createdBy === undefined ? 0 : 1, createdBy ?? null, limit, skip).map(toRecord);
    },

    async search({ projectId, query, limit, createdBy }) {
      const rows = statements.search.all({
        projectId,
        filter: createdBy === undefined ? 0 : 1,
        createdBy: createdBy ?? null,
        pattern: likePattern(query),
        needle: query,
        limit,
      });
      return rows.map((row): ChatSearchHit => ({ ...toRecord(row), match: toMatch(row) }));
    },

    async update(id, patch) {
      const current = statements.byId.get(id);
      if (!current) return undefined;
      statements.update.run(
        patch.title ?? current.title,
        (patch.titleIsCustom ?? current.title_is_custom === 1) ? 1 : 0,
        patch.model === undefined ? current.model : patch.model,
        now(),
        id,
      );
      return toRecord(statements.byId.get(id) as ChatRow);
    },

    async softDelete(id) {
      const timestamp = now();
      return statements.softDelete.run(timestamp, timestamp, id).changes > 0;
    },
  };
}
