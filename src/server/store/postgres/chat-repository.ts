import type pg from 'pg';
import type { ChatRecord, ChatRepository } from '../store.ts';
import { likePattern, now, transaction } from './postgres-database.ts';

export interface ChatRow {
  id: number;
  project_id: number;
  title: string;
  title_is_custom: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  message_count: number;
}

const SELECT_CHAT = `
  SELECT c.*, (SELECT COUNT(*)::int FROM messages m WHERE m.chat_id = c.id) AS message_count
  FROM chats c JOIN projects p ON p.id = c.project_id
  WHERE c.deleted_at IS NULL AND p.deleted_at IS NULL`;

export function toChatRecord(row: ChatRow): ChatRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    title: row.title,
    titleIsCustom: row.title_is_custom === 1,
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
    async create({ projectId, title, titleIsCustom }) {
      const id = await transaction(pool, async (client) => {
        const timestamp = now();
        const { rows } = await client.query<{ id: number }>(
          'INSERT INTO chats (project_id, title, title_is_custom, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id',
          [projectId, title, titleIsCustom ? 1 : 0, timestamp],
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

    async listByProject({ projectId, skip, limit }) {
      const { rows } = await pool.query<ChatRow>(
        `${SELECT_CHAT} AND c.project_id = $1 ORDER BY c.updated_at DESC, c.id DESC LIMIT $2 OFFSET $3`,
        [projectId, limit, skip],
      );
      return rows.map(toChatRecord);
    },

    async search({ projectId, query, limit }) {
      const { rows } = await pool.query<ChatRow>(
        `${SELECT_CHAT} AND c.project_id = $1
           AND (c.title ILIKE $2 ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = c.id AND m.content ILIKE $2 ESCAPE '\\'))
         ORDER BY c.updated_at DESC, c.id DESC LIMIT $3`,
        [projectId, likePattern(query), limit],
      );
      return rows.map(toChatRecord);
    },

    async update(id, patch) {
      const current = await byId(id);
      if (!current) return undefined;
      await pool.query('UPDATE chats SET title = $1, title_is_custom = $2, updated_at = $3 WHERE id = $4 AND deleted_at IS NULL', [
        patch.title ?? current.title,
        (patch.titleIsCustom ?? current.title_is_custom === 1) ? 1 : 0,
        now(),
        id,
      ]);
      return toChatRecord((await byId(id))!);
    },

    async softDelete(id) {
      const timestamp = now();
      const result = await pool.query('UPDATE chats SET deleted_at = $1, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL', [timestamp, id]);
      return (result.rowCount ?? 0) > 0;
    },
  };
}
