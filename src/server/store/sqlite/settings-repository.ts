import type { SettingsRepository } from '../store.ts';
import { now, parseJson, type SqliteDatabase } from './sqlite-database.ts';

export function createSqliteSettingsRepository(db: SqliteDatabase): SettingsRepository {
  const all = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
  const upsert = db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  // IMMEDIATE: read, check and write under the write lock, against any other process on the file.
  const setMany = db.transaction((values: Record<string, unknown>, verify?: (merged: Record<string, unknown>) => void) => {
    if (verify) {
      const merged: Record<string, unknown> = {};
      for (const row of all.all()) merged[row.key] = parseJson<unknown>(row.value, null);
      verify({ ...merged, ...values });
    }
    const timestamp = now();
    for (const [key, value] of Object.entries(values)) upsert.run(key, JSON.stringify(value), timestamp);
  });

  return {
    async getAll() {
      const result: Record<string, unknown> = {};
      for (const row of all.all()) result[row.key] = parseJson<unknown>(row.value, null);
      return result;
    },
    async setMany(values, verify) {
      setMany.immediate(values, verify);
    },
  };
}
