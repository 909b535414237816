import type pg from 'pg';
import type { JobRecord, JobRepository } from '../store.ts';
import { isUniqueViolation, now, transaction } from './postgres-database.ts';

interface JobRow {
  id: number;
  kind: JobRecord['kind'];
  project_id: number;
  document_id: number | null;
  status: JobRecord['status'];
  attempts: number;
  run_after: string;
  locked_by: string | null;
  locked_at: string | null;
  last_error: string | null;
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    projectId: row.project_id,
    documentId: row.document_id,
    status: row.status,
    attempts: row.attempts,
    runAfter: row.run_after,
    lockedBy: row.locked_by,
    lockedAt: row.locked_at,
    lastError: row.last_error,
  };
}

/**
 * The candidate row is locked with SKIP LOCKED, so claimers never wait on each other. Under READ
 * COMMITTED two claimers can still pick two jobs of one document (neither sees the other's running
 * row yet): the partial unique indexes on running jobs turn the second into 23505, and it tries again.
 */
const CLAIM_SQL = /* sql */ `
WITH candidate AS (
  SELECT j.id FROM ingest_jobs j
  WHERE j.status = 'queued' AND j.run_after <= $2
    AND NOT EXISTS (
      SELECT 1 FROM ingest_jobs r WHERE r.status = 'running'
        AND ((j.document_id IS NOT NULL AND r.document_id = j.document_id)
          OR (j.kind = 'embed' AND r.kind = 'embed' AND r.project_id = j.project_id)))
  ORDER BY j.run_after, j.id
  LIMIT 1
  FOR UPDATE SKIP LOCKED
)
UPDATE ingest_jobs SET status = 'running', locked_by = $1, locked_at = $3, attempts = attempts + 1, updated_at = $3
FROM candidate WHERE ingest_jobs.id = candidate.id
RETURNING ingest_jobs.*`;

const CLAIM_TRIES = 5;

/** The twin that a job going back to the queue would collide with: the queued one wins, as in SQLite's OR REPLACE. */
const DROP_QUEUED_TWIN = /* sql */ `
DELETE FROM ingest_jobs t USING ingest_jobs j
WHERE j.id = $1 AND t.id <> j.id AND t.status = 'queued' AND t.kind = j.kind
  AND ((j.kind = 'parse' AND t.document_id = j.document_id) OR (j.kind = 'embed' AND t.project_id = j.project_id))`;

export function createPostgresJobRepository(pool: pg.Pool): JobRepository {
  return {
    async enqueue({ kind, projectId, documentId = null, runAfter }) {
      const timestamp = now();
      const result = await pool.query(
        `INSERT INTO ingest_jobs (kind, project_id, document_id, status, run_after, created_at, updated_at)
         VALUES ($1, $2, $3, 'queued', $4, $5, $5) ON CONFLICT DO NOTHING`,
        [kind, projectId, documentId, runAfter ?? timestamp, timestamp],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async claim({ workerId, now: at }) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const row = (await pool.query<JobRow>(CLAIM_SQL, [workerId, at, at])).rows[0];
          return row ? toRecord(row) : undefined;
        } catch (error) {
          if (!isUniqueViolation(error) || attempt >= CLAIM_TRIES) throw error;
        }
      }
    },

    async heartbeat({ workerId, now: at }) {
      await pool.query(`UPDATE ingest_jobs SET locked_at = $1 WHERE status = 'running' AND locked_by = $2`, [at, workerId]);
    },

    async complete(jobId) {
      await pool.query('DELETE FROM ingest_jobs WHERE id = $1', [jobId]);
    },

    async retry(jobId, { runAfter, error }) {
      await transaction(pool, async (client) => {
        await client.query(DROP_QUEUED_TWIN, [jobId]);
        await client.query(
          `UPDATE ingest_jobs SET status = 'queued', run_after = $1, last_error = $2, locked_by = NULL, locked_at = NULL, updated_at = $3 WHERE id = $4`,
          [runAfter, error.slice(0, 2_000), now(), jobId],
        );
      });
    },

    async fail(jobId, error) {
      await pool.query(
        `UPDATE ingest_jobs SET status = 'failed', last_error = $1, locked_by = NULL, locked_at = NULL, updated_at = $2 WHERE id = $3`,
        [error.slice(0, 2_000), now(), jobId],
      );
    },

    async requeueAbandoned({ lockedBefore, deadHolders }) {
      return transaction(pool, async (client) => {
        const timestamp = now();
        const { rows } = await client.query<{ id: number }>(
          `SELECT id FROM ingest_jobs WHERE status = 'running'
             AND (locked_by IS NULL OR locked_at IS NULL OR locked_at < $1 OR locked_by = ANY($2::text[]))
           ORDER BY id FOR UPDATE SKIP LOCKED`,
          [lockedBefore, deadHolders],
        );
        for (const row of rows) {
          await client.query(DROP_QUEUED_TWIN, [row.id]);
          await client.query(
            `UPDATE ingest_jobs SET status = 'queued', locked_by = NULL, locked_at = NULL, run_after = $1, updated_at = $1 WHERE id = $2`,
            [timestamp, row.id],
          );
        }
        return rows.length;
      });
    },

    async runningHolders() {
      const { rows } = await pool.query<{ locked_by: string }>(
        `SELECT DISTINCT locked_by FROM ingest_jobs WHERE status = 'running' AND locked_by IS NOT NULL ORDER BY locked_by`,
      );
      return rows.map((row) => row.locked_by);
    },

    async nextDue() {
      return (
        await pool.query<{ run_after: string }>(`SELECT run_after FROM ingest_jobs WHERE status = 'queued' ORDER BY run_after LIMIT 1`)
      ).rows[0]?.run_after;
    },

    async findRunning(documentId) {
      const row = (
        await pool.query<JobRow>(`SELECT * FROM ingest_jobs WHERE status = 'running' AND document_id = $1 LIMIT 1`, [documentId])
      ).rows[0];
      return row ? toRecord(row) : undefined;
    },

    async hasPending({ kind, projectId, documentId }) {
      const conditions = [`kind = $1`, `status IN ('queued', 'running')`];
      const values: unknown[] = [kind];
      if (projectId !== undefined) {
        values.push(projectId);
        conditions.push(`project_id = $${values.length}`);
      }
      if (documentId !== undefined) {
        values.push(documentId);
        conditions.push(`document_id = $${values.length}`);
      }
      return ((await pool.query(`SELECT 1 FROM ingest_jobs WHERE ${conditions.join(' AND ')} LIMIT 1`, values)).rowCount ?? 0) > 0;
    },
  };
}
