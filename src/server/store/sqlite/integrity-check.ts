import type { SqliteDatabase } from './sqlite-database.ts';

/** At most this many of quick_check's findings are kept: the first ones say enough. */
const MAX_PROBLEMS = 5;

/**
 * `PRAGMA quick_check`: every page and b-tree of the file is read and checked (not the index
 * contents, which is what makes it quick). Returns what it found wrong; empty when the file is sound.
 */
export function quickCheck(db: SqliteDatabase): string[] {
  const rows = db.prepare(`PRAGMA quick_check(${MAX_PROBLEMS})`).raw().all() as Array<[string]>;
  const findings = rows.map((row) => String(row[0]).replace(/\s+/g, ' ').trim());
  return findings.length === 1 && findings[0] === 'ok' ? [] : findings;
}
