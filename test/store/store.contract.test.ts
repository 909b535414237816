import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPostgresStore } from '../../src/server/store/postgres/postgres-store.ts';
import { createSqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { createTestDatabase, requirePostgres } from '../support/postgres-database.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('sqlite (file)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-contract-'));
  const store = createSqliteStore({ filePath: path.join(dir, 'daa.db') });
  return {
    store,
    openAnother: async () => createSqliteStore({ filePath: path.join(dir, 'daa.db') }),
    async dispose() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeStoreContract('postgresql 15 (vectors in real[], exact search)', async () => {
  if (!(await requirePostgres('PostgreSQL store contract'))) return undefined;
  const database = await createTestDatabase();
  const store = await createPostgresStore({ connectionString: database.url });
  return {
    store,
    openAnother: () => createPostgresStore({ connectionString: database.url }),
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
});
