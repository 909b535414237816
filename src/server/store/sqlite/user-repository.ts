import { ConflictError } from '../../errors.ts';
import type { UserRecord, UserRepository, UserRole, UserWithSecret } from '../account-store.ts';
import { now, type SqliteDatabase } from './sqlite-database.ts';

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

export function createSqliteUserRepository(db: SqliteDatabase): UserRepository {
  const statements = {
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users'),
    insert: db.prepare('INSERT INTO users (email, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
    byId: db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?'),
    byEmail: db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ? COLLATE NOCASE'),
    list: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY id'),
    update: db.prepare('UPDATE users SET name = ?, role = ?, disabled = ?, password_hash = ?, updated_at = ? WHERE id = ?'),
    delete: db.prepare('DELETE FROM users WHERE id = ?'),
    activeAdmins: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0"),
  };

  return {
    async count() {
      return statements.count.get()!.n;
    },
    async create({ email, name, role, passwordHash }) {
      const timestamp = now();
      try {
        const result = statements.insert.run(email, name, role, passwordHash, timestamp, timestamp);
        return toRecord(statements.byId.get(Number(result.lastInsertRowid))!);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
          throw new ConflictError('A user with this email already exists');
        throw error;
      }
    },
    async findById(id) {
      const row = statements.byId.get(id);
      return row ? toRecord(row) : undefined;
    },
    async findByIdWithSecret(id) {
      const row = statements.byId.get(id);
      return row ? withSecret(row) : undefined;
    },
    async findByEmailWithSecret(email) {
      const row = statements.byEmail.get(email);
      return row ? withSecret(row) : undefined;
    },
    async list() {
      return statements.list.all().map(toRecord);
    },
    async update(id, patch) {
      const current = statements.byId.get(id);
      if (!current) return undefined;
      statements.update.run(
        patch.name !== undefined ? patch.name : current.name,
        patch.role ?? current.role,
        (patch.disabled ?? current.disabled === 1) ? 1 : 0,
        patch.passwordHash ?? current.password_hash,
        now(),
        id,
      );
      return toRecord(statements.byId.get(id)!);
    },
    async delete(id) {
      return statements.delete.run(id).changes > 0;
    },
    async countActiveAdmins() {
      return statements.activeAdmins.get()!.n;
    },
  };
}
