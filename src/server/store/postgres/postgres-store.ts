import pg from 'pg';
import type { Store } from '../store.ts';
import { createPostgresAnalyticsRepository } from './analytics-repository.ts';
import { createPostgresChatRepository } from './chat-repository.ts';
import { createPostgresChunkRepository } from './chunk-repository.ts';
import { createPostgresCredentialRepository } from './credential-repository.ts';
import { createPostgresDocumentRepository } from './document-repository.ts';
import { createPostgresJobRepository } from './job-repository.ts';
import { createPostgresMaintenanceRepository } from './maintenance-repository.ts';
import { createPostgresMessageRepository } from './message-repository.ts';
import { migrate, PGVECTOR_SQL } from './migrations.ts';
import { withBusyRetry } from './postgres-database.ts';
import { createPostgresProjectArchiveRepository } from './project-archive-repository.ts';
import { createPostgresProjectMemberRepository } from './project-member-repository.ts';
import { createPostgresProjectRepository } from './project-repository.ts';
import { createPostgresSettingsRepository } from './settings-repository.ts';
import { createPostgresUserRepository } from './user-repository.ts';
import { exactLayout, pgvectorLayout, type VectorLayout } from './vector-layout.ts';
import { createPostgresVectorRepository } from './vector-repository.ts';

export interface PostgresStoreOptions {
  connectionString: string;
  /** How long deadlocks and serialization failures are retried before DatabaseBusyError. */
  busyRetryMs?: number;
  /** Pool size per process. */
  maxConnections?: number;
  /** Tests: keep vectors in real[] even where pgvector exists. */
  vectors?: 'auto' | 'exact';
}

/** Whether `CREATE EXTENSION vector` works here; if so the pgvector table exists afterwards. */
async function enablePgvector(client: pg.PoolClient): Promise<boolean> {
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
  } catch {
    return false;
  }
  await client.query('SELECT pg_advisory_lock(hashtext($1))', ['daa:migrations']);
  try {
    await client.query(PGVECTOR_SQL);
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['daa:migrations']);
  }
  return true;
}

/**
 * The PostgreSQL store (`DATABASE_URL`): the same contract as the SQLite one, for several processes
 * and machines sharing one database. Migrations run at start; vectors go to pgvector (HNSW) when the
 * server has the extension, else to real[] with exact search.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  // An idle connection that dies (server restart) must not crash the process.
  pool.on('error', () => undefined);
  let layout: VectorLayout;
  try {
    const client = await pool.connect();
    try {
      await migrate(client);
      layout = options.vectors !== 'exact' && (await enablePgvector(client)) ? pgvectorLayout : exactLayout;
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  const retryMs = options.busyRetryMs ?? 5_000;

  const projects = withBusyRetry(createPostgresProjectRepository(pool), retryMs);
  return {
    projects,
    chats: withBusyRetry(createPostgresChatRepository(pool), retryMs),
    messages: withBusyRetry(createPostgresMessageRepository(pool), retryMs),
    settings: withBusyRetry(createPostgresSettingsRepository(pool), retryMs),
    documents: withBusyRetry(createPostgresDocumentRepository(pool), retryMs),
    chunks: withBusyRetry(createPostgresChunkRepository(pool, layout), retryMs),
    jobs: withBusyRetry(createPostgresJobRepository(pool), retryMs),
    vectors: withBusyRetry(createPostgresVectorRepository(pool, layout), retryMs),
    // Not wrapped: an import retries each of its short steps itself (a retry of the whole would write it twice).
    archive: createPostgresProjectArchiveRepository(pool, layout, {
      discardProject: (projectId) => projects.hardDelete(projectId),
      busyRetryMs: retryMs,
    }),
    analytics: withBusyRetry(createPostgresAnalyticsRepository(pool, layout), retryMs),
    maintenance: withBusyRetry(createPostgresMaintenanceRepository(pool, layout), retryMs),
    users: withBusyRetry(createPostgresUserRepository(pool), retryMs),
    credentials: withBusyRetry(createPostgresCredentialRepository(pool), retryMs),
    members: withBusyRetry(createPostgresProjectMemberRepository(pool), retryMs),
    describe: () => ({ engine: 'postgres', vectorSearch: layout.kind === 'pgvector' ? 'pgvector' : 'exact' }),
    async ping() {
      await pool.query('SELECT 1');
    },
    async checkIntegrity() {
      // PostgreSQL checks its own pages; there is no file of ours to read.
      return [];
    },
    async close() {
      await pool.end();
    },
  };
}
