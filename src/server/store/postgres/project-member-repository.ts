import type pg from 'pg';
import type { ProjectMemberRecord, ProjectMemberRepository, ProjectRole } from '../account-store.ts';
import { now } from './postgres-database.ts';

interface MemberRow {
  project_id: number;
  user_id: number;
  role: ProjectRole;
  email: string;
  name: string | null;
}

export function createPostgresProjectMemberRepository(pool: pg.Pool): ProjectMemberRepository {
  return {
    async roleOf(projectId, userId) {
      const { rows } = await pool.query<{ role: ProjectRole }>('SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2', [
        projectId,
        userId,
      ]);
      return rows[0]?.role;
    },
    async list(projectId) {
      const { rows } = await pool.query<MemberRow>(
        `SELECT m.project_id, m.user_id, m.role, u.email, u.name
         FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 ORDER BY u.email`,
        [projectId],
      );
      return rows.map(
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
      const { rows } = await pool.query<{ user_id: number }>('SELECT user_id FROM project_members WHERE project_id = $1', [projectId]);
      return rows.map((row) => row.user_id);
    },
    async set(projectId, userId, role) {
      await pool.query(
        `INSERT INTO project_members (project_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role`,
        [projectId, userId, role, now()],
      );
    },
    async remove(projectId, userId) {
      return (
        ((await pool.query('DELETE FROM project_members WHERE project_id = $1 AND user_id = $2', [projectId, userId])).rowCount ?? 0) > 0
      );
    },
    async countOwners(projectId) {
      const { rows } = await pool.query<{ n: number }>(
        "SELECT COUNT(*)::int AS n FROM project_members WHERE project_id = $1 AND role = 'owner'",
        [projectId],
      );
      return rows[0]!.n;
    },
  };
}
