import type { CredentialKind, CredentialRecord, CredentialRepository } from '../account-store.ts';
import { now, type SqliteDatabase } from './sqlite-database.ts';

interface CredentialRow {
  id: number;
  user_id: number;
  kind: CredentialKind;
  name: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

const COLUMNS = 'id, user_id, kind, name, created_at, expires_at, last_used_at';

function toRecord(row: CredentialRow): CredentialRecord {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}

export function createSqliteCredentialRepository(db: SqliteDatabase): CredentialRepository {
  const statements = {
    insert: db.prepare('INSERT INTO credentials (user_id, kind, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
    byId: db.prepare<[number], CredentialRow>(`SELECT ${COLUMNS} FROM credentials WHERE id = ?`),
    liveByHash: db.prepare<[string, string], CredentialRow>(
      `SELECT ${COLUMNS} FROM credentials WHERE token_hash = ? AND (expires_at IS NULL OR expires_at > ?)`,
    ),
    byUser: db.prepare<[number, CredentialKind], CredentialRow>(
      `SELECT ${COLUMNS} FROM credentials WHERE user_id = ? AND kind = ? ORDER BY id`,
    ),
    delete: db.prepare('DELETE FROM credentials WHERE user_id = ? AND id = ?'),
    idsByUser: db.prepare<[number, CredentialKind, number], { id: number }>(
      'SELECT id FROM credentials WHERE user_id = ? AND kind = ? AND id <> ?',
    ),
    deleteByUser: db.prepare('DELETE FROM credentials WHERE user_id = ? AND kind = ? AND id <> ?'),
    touch: db.prepare('UPDATE credentials SET last_used_at = ? WHERE id = ?'),
  };
  const deleteByUser = db.transaction((userId: number, kind: CredentialKind, exceptId: number) => {
    const ids = statements.idsByUser.all(userId, kind, exceptId).map((row) => row.id);
    statements.deleteByUser.run(userId, kind, exceptId);
    return ids;
  });

  return {
    async create({ userId, kind, name, tokenHash, expiresAt }) {
      const result = statements.insert.run(userId, kind, name, tokenHash, now(), expiresAt);
      return toRecord(statements.byId.get(Number(result.lastInsertRowid))!);
    },
    async findLiveByHash(tokenHash, nowIso) {
      const row = statements.liveByHash.get(tokenHash, nowIso);
      return row ? toRecord(row) : undefined;
    },
    async listByUser(userId, kind) {
      return statements.byUser.all(userId, kind).map(toRecord);
    },
    async delete(userId, id) {
      return statements.delete.run(userId, id).changes > 0;
    },
    async deleteByUser(userId, kind, exceptId) {
      return deleteByUser(userId, kind, exceptId ?? -1);
    },
    async touch(id, nowIso) {
      statements.touch.run(nowIso, id);
    },
  };
}
