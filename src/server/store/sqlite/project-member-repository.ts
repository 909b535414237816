import type { ProjectMemberRecord, ProjectMemberRepository, ProjectRole } from '../account-store.ts';
import { now, type SqliteDatabase } from './sqlite-database.ts';

interface MemberRow {
  project_id: number;
  user_id: number;
  role: ProjectRole;
  email: string;
  name: string | null;
}

export function createSqliteProjectMemberRepository(db: SqliteDatabase): ProjectMemberRepository {
  const statements = {
    roleOf: db.prepare<[number, number], { role: ProjectRole }>('SELECT role FROM project_members WHERE project_id = ? AND user_id = ?'),
    list: db.prepare<[number], MemberRow>(
      `SELECT m.project_id, m.user_id, m.role, u.email, u.name
       FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = ? ORDER BY u.email`,
    ),
    userIds: db.prepare<[number], { user_id: number }>('SELECT user_id FROM project_members WHERE project_id = ?'),
    upsert: db.prepare(
      `INSERT INTO project_members (project_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role`,
    ),
    remove: db.prepare('DELETE FROM project_members WHERE project_id = ? AND user_id = ?'),
    owners: db.prepare<[number], { n: number }>("SELECT COUNT(*) AS n FROM project_members WHERE project_id = ? AND role = 'owner'"),
  };

  return {
    async roleOf(projectId, userId) {
      return statements.roleOf.get(projectId, userId)?.role;
    },
    async list(projectId) {
      return statements.list.all(projectId).map(
        (row) =>
          ({
            projectId: row.project_id,
            userId: row.user_id,
            role: row.role,
            email: row.email,
            name: row.name,
          }) satisfies ProjectMemberRecord,
      );
    },
    async userIds(projectId) {
      return statements.userIds.all(projectId).map((row) => row.user_id);
    },
    async set(projectId, userId, role) {
      statements.upsert.run(projectId, userId, role, now());
    },
    async remove(projectId, userId) {
      return statements.remove.run(projectId, userId).changes > 0;
    },
    async countOwners(projectId) {
      return statements.owners.get(projectId)!.n;
    },
  };
}
