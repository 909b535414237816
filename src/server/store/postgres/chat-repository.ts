import type pg from 'pg';
import { type SearchMatchRow, toMatch } from '../search-match.ts';
import { type ChatRecord, type ChatRepository, type ChatSearchHit, SEARCH_MATCH_LEAD, SEARCH_MATCH_WINDOW } from '../store.ts';
import { likePattern, now, transaction } from './postgres-database.ts';

export interface ChatRow {
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
  SELECT c.*, (SELECT COUNT(*)::int FROM messages m WHERE m.chat_id = c.id) AS message_count
  FROM chats c JOIN projects p ON p.id = c.project_id
  WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL`;

/** $2 = 0: every chat; 1: only those whose creator IS $3 (NULL: chats without one). */
const CREATOR_FILTER = '($2::int = 0 OR c.created_by IS NOT DISTINCT FROM $3::int)';

export function toChatRecord(row: ChatRow): ChatRecord {
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

export function createPostgresChatRepository(pool: pg.Pool): ChatRepository {
  async function byId(id: number) {
    return (await pool.query<ChatRow>(`${SELECT_CHAT} AND c.id = $1`, [id])).rows[0];
  }

  return {
    async create({ projectId, title, titleIsCustom, createdBy }) {
      const id = await transaction(pool, async (client) => {
        const timestamp = now();
        const { rows } = await client.query<{ id: number }>(
          'INSERT INTO chats (project_id, title, title_is_custom, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id',
          [projectId, title, titleIsCustom ? 1 : 0, createdBy ?? null, timestamp],
        );
        await client.query('UPDATE projects SET updated_at = $1 WHERE id = $2', [timestamp, projectId]);
        return rows[0]!.id;
      });
      return toChatRecord((await byId(id))!);
    },

    async findById(id) {
      const row = await byId(id);
      return row ? toChatRecord(row) : undefined;
    },

    async listByProject({ projectId, skip, limit, createdBy }) {
      const { rows } = await pool.query<ChatRow>(
        `${SELECT_CHAT} AND c.project_id = $1 AND ${CREATOR_FILTER} ORDER BY c.updated_at DESC, c.id DESC LIMIT $4 OFFSET $5`,
        [projectId, createdBy === undefined ? 0 : 1, createdBy ?? null, limit, skip],
      );
      return rows.map(toChatRecord);
    },

    async search({ projectId, query, limit, createdBy }) {
      // The newest message that matches, cut to a window around the first match.
      const { rows } = await pool.query<ChatRow & SearchMatchRow>(
        `SELECT hit.*,
                substr(hit.matched_content, greatest(1, strpos(lower(hit.matched_content), lower($6)) - ${SEARCH_MATCH_LEAD}), ${SEARCH_MATCH_WINDOW}) AS match_text,
                greatest(1, strpos(lower(hit.matched_content), lower($6)) - ${SEARCH_MATCH_LEAD}) AS match_start,
                length(hit.matched_content) AS match_length
         FROM (
           SELECT c.*, (SELECT COUNT(*)::int FROM messages m WHERE m.chat_id = c.id) AS message_count,
                  (SELECT m.content FROM messages m WHERE m.chat_id = c.id AND m.content ILIKE $4 ESCAPE '\\' ORDER BY m.id DESC LIMIT 1) AS matched_content
           FROM chats c JOIN projects p ON p.id = c.project_id
           WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL AND c.project_id = $1 AND ${CREATOR_FILTER}
             AND (c.title ILIKE $4 ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = c.id AND m.content ILIKE $4 ESCAPE '\\'))
           ORDER BY c.updated_at DESC, c.id DESC LIMIT $5
         ) hit ORDER BY hit.updated_at DESC, hit.id DESC`,
        [projectId, createdBy === undefined ? 0 : 1, createdBy ?? null, likePattern(query), limit, query],
      );
      return rows.map((row): ChatSearchHit => ({ ...toChatRecord(row), match: toMatch(row) }));
    },

    async update(id, patch) {
      const current = await byId(id);
      if (!current) return undefined;
      await pool.query(
        'UPDATE chats SET title = $1, title_is_custom = $2, model = $3, updated_at = $4 WHERE id = $5 AND deleted_at IS NULL',
        [
          patch.title ?? current.title,
          (patch.titleIsCustom ?? current.title_is_custom === 1) ? 1 : 0,
          patch.model === undefined ? current.model : patch.model,
          now(),
          id,
        ],
      );
      return toChatRecord((await byId(id))!);
    },

    async softDelete(id) {
      const timestamp = now();
      const result = await pool.query('UPDATE chats SET deleted_at = $1, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL', [
        timestamp,
        id,
      ]);
      return (result.rowCount ?? 0) > 0;
    },
  };
}
