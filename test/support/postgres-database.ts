import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the tests use (the machine's PostgreSQL 15 by default). */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let reachable: Promise<string | undefined> | undefined;

/** Undefined when PostgreSQL answers; else the reason, once per test file. */
export function postgresUnavailable(): Promise<string | undefined> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (error) {
      return `PostgreSQL at ${POSTGRES_ADMIN_URL} cannot be reached (${(error as Error).message})`;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/**
 * Whether the PostgreSQL suites run. Without a server they are skipped loudly, except under CI=true,
 * where a missing server is a failure (CI starts it).
 */
export async function requirePostgres(suite: string): Promise<boolean> {
  const reason = await postgresUnavailable();
  if (!reason) return true;
  if (process.env.CI === 'true') throw new Error(`${suite}: ${reason}, and CI=true requires it`);
  console.warn(`\n*** SKIPPED ${suite}: ${reason}. Start PostgreSQL to run it. ***\n`);
  return false;
}

/** A throw-away database with a random name (after `label`: letters, digits, `_`); `drop()` removes it. */
export async function createTestDatabase(label = 'test'): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!/^[a-z0-9_]{1,20}$/.test(label)) throw new Error(`bad database label: ${label}`);
  const name = `daa_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
