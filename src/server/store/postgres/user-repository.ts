import type pg from 'pg';
import { ConflictError } from '../../errors.ts';
import type { UserRecord, UserRepository, UserRole, UserWithSecret } from '../account-store.ts';
import { now } from './postgres-database.ts';

interface UserRow {
  id: number;
  email: string;
  name: string | null;
  role: UserRole;
  password_hash: string;
  disabled: number;
  created_at: string;
  updated_at: string;
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function withSecret(row: UserRow): UserWithSecret {
  return { ...toRecord(row), passwordHash: row.password_hash };
}

export function createPostgresUserRepository(pool: pg.Pool): UserRepository {
  async function byId(id: number) {
    return (await pool.query<UserRow>('SELECT * FROM users WHERE id = $1', [id])).rows[0];
  }

  return {
    async count() {
      return (await pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM users')).rows[0]!.n;
    },
    async create({ email, name, role, passwordHash }) {
      const timestamp = now();
      // DO NOTHING: a taken email (the only unique key besides id) returns no row instead of failing the statement.
      const { rows } = await pool.query<UserRow>(
        `INSERT INTO users (email, name, role, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT DO NOTHING RETURNING *`,
        [email, name, role, passwordHash, timestamp],
      );
      if (!rows[0]) throw new ConflictError('A user with this email already exists');
      return toRecord(rows[0]);
    },
    async findById(id) {
      const row = await byId(id);
      return row ? toRecord(row) : undefined;
    },
    async findByIdWithSecret(id) {
      const row = await byId(id);
      return row ? withSecret(row) : undefined;
    },
    async findByEmailWithSecret(email) {
      const row = (await pool.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email])).rows[0];
      return row ? withSecret(row) : undefined;
    },
    async list() {
      return (await pool.query<UserRow>('SELECT * FROM users ORDER BY id')).rows.map(toRecord);
    },
    async update(id, patch) {
      // One statement: each column keeps its value unless the patch names it.
      const { rows } = await pool.query<UserRow>(
        `UPDATE users SET
           name = CASE WHEN $2::boolean THEN $3 ELSE name END,
           role = COALESCE($4, role),
           disabled = COALESCE($5, disabled),
           password_hash = COALESCE($6, password_hash),
           updated_at = $7
         WHERE id = $1 RETURNING *`,
        [
          id,
          patch.name !== undefined,
          patch.name ?? null,
          patch.role ?? null,
          patch.disabled === undefined ? null : patch.disabled ? 1 : 0,
          patch.passwordHash ?? null,
          now(),
        ],
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    async delete(id) {
      return ((await pool.query('DELETE FROM users WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    async countActiveAdmins() {
      return (await pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM users WHERE role = 'admin' AND disabled = 0")).rows[0]!.n;
    },
  };
}
