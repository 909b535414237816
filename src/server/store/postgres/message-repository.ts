import type pg from 'pg';
import type { Source } from '../../../protocol/source.ts';
import type { MessageRecord, MessageRepository } from '../store.ts';
import { now, parseJson, transaction } from './postgres-database.ts';

export interface MessageRow {
  id: number;
  chat_id: number;
  role: MessageRecord['role'];
  content: string;
  sources: string | null;
  model_name: string | null;
  status: MessageRecord['status'];
  error: string | null;
  parent_id: number | null;
  is_active: number;
  feedback: MessageRecord['feedback'];
  created_at: string;
  updated_at: string;
}

export function toMessageRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    chatId: row.chat_id,
    role: row.role,
    content: row.content,
    sources: parseJson<Source[] | null>(row.sources, null),
    modelName: row.model_name,
    status: row.status,
    error: row.error,
    parentId: row.parent_id ?? null,
    active: row.is_active !== 0,
    feedback: row.feedback ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createPostgresMessageRepository(pool: pg.Pool): MessageRepository {
  return {
    async create(input) {
      return transaction(pool, async (client) => {
        const timestamp = now();
        const { rows } = await client.query<MessageRow>(
          `INSERT INTO messages (chat_id, role, content, sources, model_name, status, parent_id, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING *`,
          [
            input.chatId,
            input.role,
            input.content,
            input.sources ? JSON.stringify(input.sources) : null,
            input.modelName ?? null,
            input.status,
            input.parentId ?? null,
            timestamp,
          ],
        );
        await client.query('UPDATE chats SET updated_at = $1 WHERE id = $2', [timestamp, input.chatId]);
        await client.query('UPDATE projects SET updated_at = $1 WHERE id = (SELECT project_id FROM chats WHERE id = $2)', [
          timestamp,
          input.chatId,
        ]);
        return toMessageRecord(rows[0]!);
      });
    },

    async update(id, patch) {
      const columns: string[] = [];
      const values: unknown[] = [];
      const set = (column: string, value: unknown) => {
        values.push(value);
        columns.push(`${column} = $${values.length}`);
      };
      if (patch.content !== undefined) set('content', patch.content);
      if (patch.status !== undefined) set('status', patch.status);
      if (patch.error !== undefined) set('error', patch.error);
      if (patch.sources !== undefined) set('sources', patch.sources ? JSON.stringify(patch.sources) : null);
      if (patch.parentId !== undefined) set('parent_id', patch.parentId);
      if (patch.modelName !== undefined) set('model_name', patch.modelName);
      set('updated_at', now());
      values.push(id);
      await pool.query(`UPDATE messages SET ${columns.join(', ')} WHERE id = $${values.length}`, values);
    },

    async activateVersion(id) {
      await transaction(pool, async (client) => {
        // The row lock orders concurrent activations of versions of one question.
        const row = (await client.query<MessageRow>('SELECT * FROM messages WHERE id = $1 FOR UPDATE', [id])).rows[0];
        if (!row) return;
        if (row.parent_id === null) {
          await client.query('UPDATE messages SET is_active = 0 WHERE chat_id = $1 AND parent_id IS NULL AND id <> $2', [row.chat_id, id]);
        } else {
          await client.query('UPDATE messages SET is_active = 0 WHERE chat_id = $1 AND parent_id = $2 AND id <> $3', [
            row.chat_id,
            row.parent_id,
            id,
          ]);
        }
        await client.query('UPDATE messages SET is_active = 1 WHERE id = $1', [id]);
      });
    },

    async setFeedback(id, feedback) {
      await pool.query('UPDATE messages SET feedback = $1 WHERE id = $2', [feedback, id]);
    },

    async findById(id) {
      const row = (await pool.query<MessageRow>('SELECT * FROM messages WHERE id = $1', [id])).rows[0];
      return row ? toMessageRecord(row) : undefined;
    },

    async listByChat(chatId) {
      return (await pool.query<MessageRow>('SELECT * FROM messages WHERE chat_id = $1 ORDER BY id', [chatId])).rows.map(toMessageRecord);
    },

    async listRecent({ chatId, beforeId, limit }) {
      const { rows } = await pool.query<MessageRow>(
        'SELECT * FROM (SELECT * FROM messages WHERE chat_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3) recent ORDER BY id',
        [chatId, beforeId, limit],
      );
      return rows.map(toMessageRecord);
    },

    async interruptStreaming() {
      const result = await pool.query("UPDATE messages SET status = 'interrupted', updated_at = $1 WHERE status = 'streaming'", [now()]);
      return result.rowCount ?? 0;
    },

    async listStreaming() {
      const { rows } = await pool.query<{ id: number; chatId: number }>(
        `SELECT id, chat_id AS "chatId" FROM messages WHERE status = 'streaming' ORDER BY id`,
      );
      return rows;
    },

    async interruptIfStreaming(id) {
      const result = await pool.query(
        "UPDATE messages SET status = 'interrupted', updated_at = $1 WHERE id = $2 AND status = 'streaming'",
        [now(), id],
      );
      return (result.rowCount ?? 0) > 0;
    },
  };
}
