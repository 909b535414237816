import type { Config } from '../config.ts';
import { createPostgresStore } from './postgres/postgres-store.ts';
import { createSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/** The configured store: PostgreSQL when DATABASE_URL is set, else the SQLite file in DATA_DIR. */
export async function openStore(config: Config): Promise<Store> {
  if (config.DATABASE_URL) {
    return createPostgresStore({
      connectionString: config.DATABASE_URL,
      busyRetryMs: config.DATABASE_BUSY_RETRY_SECONDS * 1000,
      maxConnections: config.DATABASE_POOL_SIZE,
    });
  }
  return createSqliteStore({
    filePath: config.databasePath,
    busyTimeoutMs: config.DATABASE_BUSY_TIMEOUT_MS,
    busyRetryMs: config.DATABASE_BUSY_RETRY_SECONDS * 1000,
    vectorIndex: config.VECTOR_ANN_MIN_VECTORS === 0 ? false : { minVectors: config.VECTOR_ANN_MIN_VECTORS },
  });
}
