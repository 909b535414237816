import type Database from 'better-sqlite3';
import type { Source } from '../../../protocol/source.ts';
import type { MessageRecord, MessageRepository } from '../store.ts';
import { now, parseJson, type SqliteDatabase } from './sqlite-database.ts';

interface MessageRow {
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

export function toRecord(row: MessageRow): MessageRecord {
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

export function createSqliteMessageRepository(db: SqliteDatabase): MessageRepository {
  const updates = new Map<string, Database.Statement<unknown[]>>();
  const statements = {
    insert: db.prepare(
      `INSERT INTO messages (chat_id, role, content, sources, model_name, status, parent_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    touchChat: db.prepare('UPDATE chats SET updated_at = ? WHERE id = ?'),
    touchProject: db.prepare('UPDATE projects SET updated_at = ? WHERE id = (SELECT project_id FROM chats WHERE id = ?)'),
    byId: db.prepare<[number], MessageRow>('SELECT * FROM messages WHERE id = ?'),
    byChat: db.prepare<[number], MessageRow>('SELECT * FROM messages WHERE chat_id = ? ORDER BY id'),
    recent: db.prepare<[number, number, number], MessageRow>(
      'SELECT * FROM (SELECT * FROM messages WHERE chat_id = ? AND id < ? ORDER BY id DESC LIMIT ?) ORDER BY id',
    ),
    deactivateSiblings: db.prepare('UPDATE messages SET is_active = 0 WHERE chat_id = ? AND parent_id = ? AND id <> ?'),
    deactivateRoots: db.prepare('UPDATE messages SET is_active = 0 WHERE chat_id = ? AND parent_id IS NULL AND id <> ?'),
    feedback: db.prepare('UPDATE messages SET feedback = ? WHERE id = ?'),
    activate: db.prepare('UPDATE messages SET is_active = 1 WHERE id = ?'),
    interrupt: db.prepare("UPDATE messages SET status = 'interrupted', updated_at = ? WHERE status = 'streaming'"),
    interruptOne: db.prepare("UPDATE messages SET status = 'interrupted', updated_at = ? WHERE id = ? AND status = 'streaming'"),
    streaming: db.prepare("SELECT id, chat_id AS chatId FROM messages WHERE status = 'streaming' ORDER BY id"),
  };

  const create = db.transaction((input: Parameters<MessageRepository['create']>[0]): number => {
    const timestamp = now();
    const result = statements.insert.run(
      input.chatId,
      input.role,
      input.content,
      input.sources ? JSON.stringify(input.sources) : null,
      input.modelName ?? null,
      input.status,
      input.parentId ?? null,
      timestamp,
      timestamp,
    );
    statements.touchChat.run(timestamp, input.chatId);
    statements.touchProject.run(timestamp, input.chatId);
    return Number(result.lastInsertRowid);
  });

  const activate = db.transaction((id: number) => {
    const row = statements.byId.get(id);
    if (!row) return;
    if (row.parent_id === null) statements.deactivateRoots.run(row.chat_id, id);
    else statements.deactivateSiblings.run(row.chat_id, row.parent_id, id);
    statements.activate.run(id);
  });

  return {
    async create(input) {
      return toRecord(statements.byId.get(create(input)) as MessageRow);
    },

    async update(id, patch) {
      const columns: string[] = [];
      const values: unknown[] = [];
      if (patch.content !== undefined) {
        columns.push('content = ?');
        values.push(patch.content);
      }
      if (patch.status !== undefined) {
        columns.push('status = ?');
        values.push(patch.status);
      }
      if (patch.error !== undefined) {
        columns.push('error = ?');
        values.push(patch.error);
      }
      if (patch.sources !== undefined) {
        columns.push('sources = ?');
        values.push(patch.sources ? JSON.stringify(patch.sources) : null);
      }
      if (patch.parentId !== undefined) {
        columns.push('parent_id = ?');
        values.push(patch.parentId);
      }
      if (patch.modelName !== undefined) {
        columns.push('model_name = ?');
        values.push(patch.modelName);
      }
      columns.push('updated_at = ?');
      values.push(now());
      // One statement per set of columns (at most 2^6), compiled once: a streaming answer's checkpoint runs this every second.
      const sql = `UPDATE messages SET ${columns.join(', ')} WHERE id = ?`;
      let statement = updates.get(sql);
      if (!statement) updates.set(sql, (statement = db.prepare(sql)));
      statement.run(...values, id);
    },

    async activateVersion(id) {
      activate(id);
    },

    async setFeedback(id, feedback) {
      statements.feedback.run(feedback, id);
    },

    async findById(id) {
      const row = statements.byId.get(id);
      return row ? toRecord(row) : undefined;
    },

    async listByChat(chatId) {
      return statements.byChat.all(chatId).map(toRecord);
    },

    async listRecent({ chatId, beforeId, limit }) {
      return statements.recent.all(chatId, beforeId, limit).map(toRecord);
    },

    async interruptStreaming() {
      return statements.interrupt.run(now()).changes;
    },

    async listStreaming() {
      return statements.streaming.all() as Array<{ id: number; chatId: number }>;
    },

    async interruptIfStreaming(id) {
      return statements.interruptOne.run(now(), id).changes > 0;
    },
  };
}
