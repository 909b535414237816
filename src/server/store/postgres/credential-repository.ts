import type pg from 'pg';
import type { CredentialKind, CredentialRecord, CredentialRepository } from '../account-store.ts';
import { now } from './postgres-database.ts';

interface CredentialRow {
  id: number;
  user_id: number;
  kind: CredentialKind;
  name: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

// Never the token hash: it stays in the database.
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

export function createPostgresCredentialRepository(pool: pg.Pool): CredentialRepository {
  return {
    async create({ userId, kind, name, tokenHash, expiresAt }) {
      const { rows } = await pool.query<CredentialRow>(
        `INSERT INTO credentials (user_id, kind, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [userId, kind, name, tokenHash, now(), expiresAt],
      );
      return toRecord(rows[0]!);
    },
    async findLiveByHash(tokenHash, nowIso) {
      const { rows } = await pool.query<CredentialRow>(
        `SELECT ${COLUMNS} FROM credentials WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > $2)`,
        [tokenHash, nowIso],
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    async listByUser(userId, kind) {
      const { rows } = await pool.query<CredentialRow>(`SELECT ${COLUMNS} FROM credentials WHERE user_id = $1 AND kind = $2 ORDER BY id`, [
        userId,
        kind,
      ]);
      return rows.map(toRecord);
    },
    async delete(userId, id) {
      return ((await pool.query('DELETE FROM credentials WHERE user_id = $1 AND id = $2', [userId, id])).rowCount ?? 0) > 0;
    },
    async deleteByUser(userId, kind, exceptId) {
      const { rows } = await pool.query<{ id: number }>(
        'DELETE FROM credentials WHERE user_id = $1 AND kind = $2 AND id <> $3 RETURNING id',
        [userId, kind, exceptId ?? -1],
      );
      return rows.map((row) => row.id);
    },
    async touch(id, nowIso) {
      await pool.query('UPDATE credentials SET last_used_at = $1 WHERE id = $2', [nowIso, id]);
    },
  };
}
