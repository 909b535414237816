import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, requirePostgres } from '../support/postgres-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('server on DATABASE_URL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let server: TestServer | undefined;

  beforeAll(async () => {
    if (!(await requirePostgres('server on DATABASE_URL'))) return;
    database = await createTestDatabase();
    server = await startTestServer({ DATABASE_URL: database.url });
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('keeps its data in PostgreSQL, creates no SQLite file, and says so in /api/health', async (context) => {
    if (!server) return context.skip();
    const health = await server.api('GET', '/api/health');
    expect(health.body).toMatchObject({ database_status: 'connected', database_engine: 'postgres', vector_search: 'exact' });
    const created = await server.api('POST', '/api/projects', { name: 'On PostgreSQL' });
    expect(created.status).toBe(201);
    expect((await server.store.projects.findById(created.body.id))?.name).toBe('On PostgreSQL');
    expect(fs.readdirSync(server.dataDir).filter((name) => name.startsWith('daa.sqlite'))).toEqual([]);
  });
});
