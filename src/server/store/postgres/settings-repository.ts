import type pg from 'pg';
import type { SettingsRepository } from '../store.ts';
import { now, parseJson, transaction } from './postgres-database.ts';

export function createPostgresSettingsRepository(pool: pg.Pool): SettingsRepository {
  return {
    async getAll() {
      const result: Record<string, unknown> = {};
      for (const row of (await pool.query<{ key: string; value: string }>('SELECT key, value FROM settings')).rows) {
        result[row.key] = parseJson<unknown>(row.value, null);
      }
      return result;
    },
    async setMany(values, verify) {
      await transaction(pool, async (client) => {
        // Merges from several processes are serialised: each sees the others' keys.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['daa:settings:global']);
        if (verify) {
          const merged: Record<string, unknown> = {};
          for (const row of (await client.query<{ key: string; value: string }>('SELECT key, value FROM settings')).rows) {
            merged[row.key] = parseJson<unknown>(row.value, null);
          }
          verify({ ...merged, ...values });
        }
        const timestamp = now();
        for (const [key, value] of Object.entries(values)) {
          await client.query(
            `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
            [key, JSON.stringify(value), timestamp],
          );
        }
      });
    },
  };
}
