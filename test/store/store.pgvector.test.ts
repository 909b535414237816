import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPostgresStore } from '../../src/server/store/postgres/postgres-store.ts';
import type { Store } from '../../src/server/store/store.ts';
import { describeStoreContract } from './store-contract.ts';

// PGlite starts a WASM PostgreSQL (initdb): seconds on a loaded 2-core machine.
vi.setConfig({ hookTimeout: 120_000, testTimeout: 60_000 });

/**
 * The pgvector SQL of the PostgreSQL store, against PGlite (PostgreSQL in WASM) with its pgvector
 * extension, served over the wire protocol so the same `pg` driver talks to it. PGlite is one
 * session: the store gets one connection, so its transactions never interleave there.
 */
async function startPglite(): Promise<{ db: PGlite; url: string; stop: () => Promise<void> }> {
  const db = await PGlite.create({ extensions: { vector } });
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  return {
    db,
    url,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * pglite-socket 0.2.17 drops the connection on the query that follows a failed statement (seen here
 * after every unique violation: "Connection terminated unexpectedly"; the pool then reconnects).
 * Test-only: such a call is made once more on the new connection. Real PostgreSQL needs no shim.
 */
function retryDroppedConnection(store: Store): Store {
  const wrap = <T extends object>(repository: T): T =>
    new Proxy(repository, {
      get(target, key) {
        const member = Reflect.get(target, key) as unknown;
        if (typeof member !== 'function') return member;
        return async (...args: unknown[]) => {
          try {
            return await member.apply(target, args);
          } catch (error) {
            if (!/Connection terminated unexpectedly/.test((error as Error).message)) throw error;
            return member.apply(target, args);
          }
        };
      },
    });
  const repositories = ['projects', 'chats', 'messages', 'settings', 'documents', 'chunks', 'jobs', 'vectors', 'archive'] as const;
  const wrapped = { ...store } as Record<string, unknown>;
  for (const name of repositories) wrapped[name] = wrap(store[name]);
  return wrapped as unknown as Store;
}

describeStoreContract('pglite + pgvector (HNSW) over the wire protocol', async () => {
  const pglite = await startPglite();
  const store = await createPostgresStore({ connectionString: pglite.url, maxConnections: 1 });
  return {
    store: retryDroppedConnection(store),
    async dispose() {
      await store.close();
      await pglite.stop();
    },
  };
});

describe('pgvector layout', () => {
  let pglite: Awaited<ReturnType<typeof startPglite>>;
  let store: Store;
  beforeAll(async () => {
    pglite = await startPglite();
    store = await createPostgresStore({ connectionString: pglite.url, maxConnections: 1 });
  });
  afterAll(async () => {
    await store?.close();
    await pglite?.stop();
  });

  it('is chosen when CREATE EXTENSION vector works, with one HNSW cosine index per model and dimension', async () => {
    expect(store.describe()).toEqual({ engine: 'postgres', vectorSearch: 'pgvector' });
    const project = await store.projects.create({ name: 'vectors', description: null, settings: {} });
    await store.vectors.createIndex({ projectId: project.id, provider: 'ollama', model: 'a', dimensions: 3, status: 'active' });
    const other = await store.projects.create({ name: 'other', description: null, settings: {} });
    await store.vectors.createIndex({ projectId: other.id, provider: 'ollama', model: 'a', dimensions: 3, status: 'active' });
    await store.vectors.createIndex({ projectId: other.id, provider: 'ollama', model: 'b', dimensions: 5, status: 'building' });
    const { rows } = await pglite.db.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'chunk_embeddings' AND indexdef LIKE '%hnsw%'`,
    );
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.indexdef.includes('vector_cosine_ops'))).toBe(true);
  });
});
