import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { analyzedText } from '../text-analyzer.ts';
import { quickCheck } from './integrity-check.ts';
import { migrations } from './migrations/index.ts';

export type SqliteDatabase = Database.Database;

/** The database cannot be used at start-up; the message is one line that names the file. */
export class DatabaseStartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseStartupError';
  }
}

/**
 * Files up to this size (with their WAL) are quick_checked before anything is served (~0.1–0.3 s).
 * quick_check reads every page: a 4 GB file would hold the start for tens of seconds, so a larger
 * one is checked right after the start on a thread of its own (the store's `checkIntegrity`), and
 * a damaged one is reported by /api/health and /api/health/ready instead of refusing the start.
 */
export const STARTUP_QUICK_CHECK_MAX_BYTES = 64 * 2 ** 20;

export interface OpenSqliteOptions {
  /** How long one call may wait for another connection's lock once running (the event loop waits with it). */
  busyTimeoutMs: number;
  /** How long start-up waits for a lock held by another process before giving up. */
  startupWaitMs: number;
}

/**
 * Opens (creating if needed) the SQLite file with the pragmas the app relies on, checks it, and brings
 * its schema up to date. WAL lets readers run while the ingestion writer works; foreign keys make
 * cascades real. A file that is damaged, not a database, read-only or locked by another process
 * stops the start with one sentence naming the file (DatabaseStartupError), never a stack trace.
 */
export function openSqliteDatabase(
  filePath: string,
  options: OpenSqliteOptions = { busyTimeoutMs: 20, startupWaitMs: 5_000 },
): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    const checkNow = quickChecksAtOpen(filePath);
    if (filePath !== ':memory:') fs.mkdirSync(path.dirname(filePath), { recursive: true });
    // Nothing is served yet, so start-up may wait for a lock synchronously.
    db = new Database(filePath, { timeout: options.startupWaitMs });
    // vec0 tables (one per embedding index version) need the sqlite-vec extension on every connection.
    sqliteVec.load(db);
    registerAnalyzer(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // A large file still has its header and schema read here (a file that is not a database fails at once).
    if (!checkNow) db.prepare('SELECT COUNT(*) FROM sqlite_schema').pluck().get();
    const problems = checkNow ? quickCheck(db) : [];
    if (problems.length > 0) {
      throw new DatabaseStartupError(
        `The database ${filePath} is damaged (quick_check: ${oneLine(problems[0]!)}); restore it from a backup or move it away`,
      );
    }
    migrate(db);
    db.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs)}`);
    return db;
  } catch (error) {
    if (db?.open) db.close();
    if (error instanceof DatabaseStartupError) throw error;
    throw new DatabaseStartupError(describeOpenFailure(filePath, error), { cause: error });
  }
}

/** Whether opening this file runs quick_check before it returns (see STARTUP_QUICK_CHECK_MAX_BYTES). */
export function quickChecksAtOpen(filePath: string): boolean {
  return filePath === ':memory:' || fileBytes(filePath) + fileBytes(`${filePath}-wal`) <= STARTUP_QUICK_CHECK_MAX_BYTES;
}

function fileBytes(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Terms analyzed elsewhere (a parse worker) for the next text `daa_analyze` sees on a connection. */
const offeredTerms = new WeakMap<SqliteDatabase, { text: string; terms: string }>();

/**
 * `daa_analyze(text)`: a chunk's full-text index terms (text-analyzer.ts). The FTS5 triggers call it,
 * so every connection that writes chunks must register it.
 */
export function registerAnalyzer(db: SqliteDatabase): void {
  db.function('daa_analyze', { deterministic: true }, (text: unknown) => {
    if (typeof text !== 'string') return '';
    const offered = offeredTerms.get(db);
    if (offered) {
      offeredTerms.delete(db);
      if (offered.text === text) return offered.terms;
    }
    return analyzedText(text);
  });
}

/**
 * Hands the insert trigger the terms of the chunk about to be written, analyzed by the same code in a
 * parse worker (`analyzedText(text)`), so the write does not analyze it again. Used only for the very
 * next call, and only if it is for this same text.
 */
export function offerAnalyzedTerms(db: SqliteDatabase, text: string, terms: string): void {
  offeredTerms.set(db, { text, terms });
}

/** One sentence for why the file cannot be used, from SQLite's (or the file system's) error code. */
function describeOpenFailure(filePath: string, error: unknown): string {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `The database ${filePath} is locked by another process (is another server using this DATA_DIR?); stop it or use another DATA_DIR`;
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return `The database ${filePath} is read-only; the server needs to write it (check its permissions and DATA_DIR)`;
  }
  if (code === 'SQLITE_NOTADB') {
    return `The file ${filePath} is not a SQLite database; move it away or point DATA_DIR elsewhere`;
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return `The database ${filePath} is damaged (${oneLine((error as Error).message)}); restore it from a backup or move it away`;
  }
  const reason = error instanceof Error ? error.message : String(error);
  return `The database ${filePath} cannot be opened: ${oneLine(reason)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

function migrate(db: SqliteDatabase): void {
  // IMMEDIATE: the write lock is taken (or found held by another process) before anything else, and
  // setting user_version always writes, so a read-only file is noticed here even when nothing is due.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    let version = current;
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      version = migration.version;
    }
    db.pragma(`user_version = ${version}`);
  }).immediate();
}

export function now(): string {
  return new Date().toISOString();
}

/** Escapes `%`, `_` and `\` for a LIKE pattern used with `ESCAPE '\'`. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
