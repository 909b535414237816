import type { JobRecord, JobRepository } from '../store.ts';
import { now, type SqliteDatabase } from './sqlite-database.ts';

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

/** The durable ingestion queue in the same SQLite file as the data it feeds. */
export function createSqliteJobRepository(db: SqliteDatabase): JobRepository {
  const statements = {
    insert: db.prepare(
      `INSERT OR IGNORE INTO ingest_jobs (kind, project_id, document_id, status, run_after, created_at, updated_at)
       VALUES (?, ?, ?, 'queued', ?, ?, ?)`,
    ),
    // One statement, so two claimers can never take the same row. A document with a running job is
    // skipped: its next job waits until the running one is over (reprocess while parsing).
    claim: db.prepare<[string, string, string, string], JobRow>(
      `UPDATE ingest_jobs SET status = 'running', locked_by = ?, locked_at = ?, attempts = attempts + 1, updated_at = ?
       WHERE id = (
         SELECT j.id FROM ingest_jobs j
         WHERE j.status = 'queued' AND j.run_after <= ?
           AND NOT EXISTS (
             SELECT 1 FROM ingest_jobs r WHERE r.status = 'running'
               AND ((j.document_id IS NOT NULL AND r.document_id = j.document_id)
                 OR (j.kind = 'embed' AND r.kind = 'embed' AND r.project_id = j.project_id)))
         ORDER BY j.run_after, j.id LIMIT 1)
       RETURNING *`,
    ),
    heartbeat: db.prepare(`UPDATE ingest_jobs SET locked_at = ? WHERE status = 'running' AND locked_by = ?`),
    delete: db.prepare('DELETE FROM ingest_jobs WHERE id = ?'),
    // If a twin was queued meanwhile, the retried one yields to it (the unique index allows one queued).
    retry: db.prepare(
      `UPDATE OR REPLACE ingest_jobs SET status = 'queued', run_after = ?, last_error = ?, locked_by = NULL, locked_at = NULL, updated_at = ?
       WHERE id = ?`,
    ),
    fail: db.prepare(
      `UPDATE ingest_jobs SET status = 'failed', last_error = ?, locked_by = NULL, locked_at = NULL, updated_at = ? WHERE id = ?`,
    ),
    holders: db.prepare<[], { locked_by: string }>(
      `SELECT DISTINCT locked_by FROM ingest_jobs WHERE status = 'running' AND locked_by IS NOT NULL`,
    ),
    nextDue: db.prepare<[], { run_after: string }>(`SELECT run_after FROM ingest_jobs WHERE status = 'queued' ORDER BY run_after LIMIT 1`),
    runningForDocument: db.prepare<[number], JobRow>(`SELECT * FROM ingest_jobs WHERE status = 'running' AND document_id = ? LIMIT 1`),
  };

  return {
    async enqueue({ kind, projectId, documentId = null, runAfter }) {
      const timestamp = now();
      return statements.insert.run(kind, projectId, documentId, runAfter ?? timestamp, timestamp, timestamp).changes > 0;
    },

    async claim({ workerId, now: at }) {
      const row = statements.claim.get(workerId, at, at, at);
      return row ? toRecord(row) : undefined;
    },

    async heartbeat({ workerId, now: at }) {
      statements.heartbeat.run(at, workerId);
    },

    async complete(jobId) {
      statements.delete.run(jobId);
    },

    async retry(jobId, { runAfter, error }) {
      statements.retry.run(runAfter, error.slice(0, 2_000), now(), jobId);
    },

    async fail(jobId, error) {
      statements.fail.run(error.slice(0, 2_000), now(), jobId);
    },

    async requeueAbandoned({ lockedBefore, deadHolders }) {
      const timestamp = now();
      // A lease is the holder's last heartbeat; an expired one, or a holder known dead, gives the job back.
      return db
        .prepare(
          `UPDATE OR REPLACE ingest_jobs SET status = 'queued', locked_by = NULL, locked_at = NULL, run_after = ?, updated_at = ?
           WHERE status = 'running' AND (locked_by IS NULL OR locked_at IS NULL OR locked_at < ?
             OR locked_by IN (SELECT value FROM json_each(?)))`,
        )
        .run(timestamp, timestamp, lockedBefore, JSON.stringify(deadHolders)).changes;
    },

    async runningHolders() {
      return statements.holders.all().map((row) => row.locked_by);
    },

    async nextDue() {
      return statements.nextDue.get()?.run_after;
    },

    async findRunning(documentId) {
      const row = statements.runningForDocument.get(documentId);
      return row ? toRecord(row) : undefined;
    },

    async hasPending({ kind, projectId, documentId }) {
      const conditions = [`kind = ?`, `status IN ('queued', 'running')`];
      const values: unknown[] = [kind];
      if (projectId !== undefined) {
        conditions.push('project_id = ?');
        values.push(projectId);
      }
      if (documentId !== undefined) {
        conditions.push('document_id = ?');
        values.push(documentId);
      }
      return db.prepare(`SELECT 1 FROM ingest_jobs WHERE ${conditions.join(' AND ')} LIMIT 1`).get(...values) !== undefined;
    },
  };
}
