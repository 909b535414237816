import path from 'node:path';
import type { Store } from '../store.ts';
import { createSqliteAnalyticsRepository } from './analytics-repository.ts';
import { withBusyRetry } from './busy-retry.ts';
import { createSqliteChatRepository } from './chat-repository.ts';
import { createSqliteChunkRepository, type FullTextRunner } from './chunk-repository.ts';
import { createSqliteCredentialRepository } from './credential-repository.ts';
import { createSqliteDocumentRepository } from './document-repository.ts';
import { createFullTextSearcher } from './full-text-search.ts';
import { quickCheck } from './integrity-check.ts';
import { createSqliteJobRepository } from './job-repository.ts';
import { createSqliteMaintenanceRepository } from './maintenance-repository.ts';
import { createSqliteMessageRepository } from './message-repository.ts';
import { createSqliteProjectArchiveRepository } from './project-archive-repository.ts';
import { createSqliteProjectMemberRepository } from './project-member-repository.ts';
import { createSqliteProjectRepository } from './project-repository.ts';
import { dropRetiredVectorTables } from './retired-vector-cleanup.ts';
import { createSqliteSettingsRepository } from './settings-repository.ts';
import { SqliteBackground } from './sqlite-background.ts';
import { openSqliteDatabase, quickChecksAtOpen, type SqliteDatabase } from './sqlite-database.ts';
import { createSqliteVectorRepository } from './vector-repository.ts';
import { createSqliteUserRepository } from './user-repository.ts';
import { searchVectors } from './vector-search.ts';

export interface SqliteStore extends Store {
  /** The raw handle, for the other SQLite-backed modules (full-text index, job queue) in `store/`. */
  readonly db: SqliteDatabase;
}

export interface SqliteStoreOptions {
  filePath: string;
  /** How long one synchronous call may wait for another connection's lock (`DATABASE_BUSY_TIMEOUT_MS`). */
  busyTimeoutMs?: number;
  /** How long a busy database is retried asynchronously before DatabaseBusyError (`DATABASE_BUSY_RETRY_SECONDS`). */
  busyRetryMs?: number;
  /**
   * Approximate (HNSW) indexes for index versions of at least `minVectors` vectors, saved in `dir`
   * (default DATA_DIR/vector-index, 10,000); `false` searches every version exactly.
   */
  vectorIndex?: { dir?: string; minVectors?: number; verifyStepBytes?: number } | false;
}

/** How long closing waits for the approximate indexes to be saved (else the next start replays the log). */
const FLUSH_ON_CLOSE_MS = 30_000;

/** A polled /api/health should not re-read the whole file each time. */
const INTEGRITY_CACHE_MS = 30_000;

interface IntegrityCheck {
  /** The last settled finding, answered while this check runs. */
  previous?: IntegrityCheck;
  checkedAt: number;
  keepMs: number;
  problems: Promise<string[]>;
  settled: boolean;
}

/**
 * The embedded default store: one SQLite file in WAL mode. Every repository call that finds the
 * file locked by another connection is retried off the event loop (then fails with
 * DatabaseBusyError); statements that read or free whole tables (quick_check, vector KNN, vec0
 * drops) run on a background connection in a worker thread, which also keeps the approximate
 * (HNSW) indexes of large vector index versions (`vector-index/`).
 */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const busyTimeoutMs = options.busyTimeoutMs ?? 20;
  const busyRetryMs = options.busyRetryMs ?? 5_000;
  const checkedAtOpen = quickChecksAtOpen(options.filePath);
  const db = openSqliteDatabase(options.filePath, { busyTimeoutMs, startupWaitMs: busyRetryMs });
  // An in-memory database has no file a second connection could open.
  const vectorIndex =
    options.vectorIndex === false
      ? undefined
      : {
          dir: options.vectorIndex?.dir ?? path.join(path.dirname(path.resolve(options.filePath)), 'vector-index'),
          minVectors: options.vectorIndex?.minVectors ?? 10_000,
          ...(options.vectorIndex?.verifyStepBytes ? { verifyStepBytes: options.vectorIndex.verifyStepBytes } : {}),
        };
  const background = options.filePath === ':memory:' ? undefined : new SqliteBackground(options.filePath, vectorIndex);
  // quick_check of a large file takes tens of seconds: on a thread of its own, so vector searches and
  // the index's load never queue behind it.
  const checker = options.filePath === ':memory:' ? undefined : new SqliteBackground(options.filePath);
  // Saved indexes load (and missing ones build) in the worker while the server starts.
  if (background && vectorIndex && db.prepare(`SELECT 1 FROM embedding_indexes WHERE status <> 'retired' LIMIT 1`).get()) {
    background.warmVectorIndex().catch(() => {});
  }
  const heavy = {
    dropRetiredTables: async () => (background ? background.dropRetiredVectorTables() : dropRetiredVectorTables(db)),
    search: async (search: { indexId: number; embedding: ArrayLike<number>; limit: number }) =>
      background ? background.searchVectors(search) : searchVectors(db, search),
  };
  // Full text gets a reader worker of its own: a search never waits behind a quick_check or a vector
  // index step, and never blocks the event loop (sqlite-background.ts).
  const reader = options.filePath === ':memory:' ? undefined : new SqliteBackground(options.filePath);
  let inline: ReturnType<typeof createFullTextSearcher> | undefined;
  const fullText: FullTextRunner = async (search) => {
    if (reader) return reader.searchFullText(search);
    inline ??= createFullTextSearcher(db);
    return inline.search(search);
  };
  const policy = { maxWaitMs: busyRetryMs };
  // A file small enough to be checked at open passed that check (it is refused otherwise): that is the
  // first finding, answered at once while the first check on the checker worker runs, so readiness
  // never waits for that worker to start (keepMs 0: the first call starts the real check).
  let integrity: IntegrityCheck | undefined = checkedAtOpen
    ? { checkedAt: Date.now(), keepMs: 0, problems: Promise.resolve([]), settled: true }
    : undefined;

  const projects = createSqliteProjectRepository(db);
  const archive = createSqliteProjectArchiveRepository(db, { discardProject: (projectId) => projects.hardDelete(projectId), busyRetryMs });

  const store: SqliteStore = {
    db,
    projects: withBusyRetry(projects, policy),
    chats: withBusyRetry(createSqliteChatRepository(db), policy),
    messages: withBusyRetry(createSqliteMessageRepository(db), policy),
    settings: withBusyRetry(createSqliteSettingsRepository(db), policy),
    documents: withBusyRetry(createSqliteDocumentRepository(db), policy),
    chunks: withBusyRetry(createSqliteChunkRepository(db, fullText), policy),
    jobs: withBusyRetry(createSqliteJobRepository(db), policy),
    vectors: withBusyRetry(createSqliteVectorRepository(db, heavy), policy),
    // An import retries each of its short transactions itself: a retry of the whole would write twice.
    archive: { ...withBusyRetry(archive, policy), importProject: archive.importProject },
    analytics: withBusyRetry(createSqliteAnalyticsRepository(db), policy),
    maintenance: withBusyRetry(createSqliteMaintenanceRepository(db, heavy), policy),
    users: withBusyRetry(createSqliteUserRepository(db), policy),
    credentials: withBusyRetry(createSqliteCredentialRepository(db), policy),
    members: withBusyRetry(createSqliteProjectMemberRepository(db), policy),
    describe: () => ({ engine: 'sqlite', vectorSearch: 'sqlite-vec' }),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    checkIntegrity() {
      const now = Date.now();
      if (!integrity || (integrity.settled && now - integrity.checkedAt > integrity.keepMs)) {
        const previous = integrity?.settled ? integrity : undefined;
        // One finding back only, so checks never form a chain.
        if (previous) previous.previous = undefined;
        const problems = checker ? checker.quickCheck() : Promise.resolve(quickCheck(db));
        const check: IntegrityCheck = { previous, checkedAt: now, keepMs: INTEGRITY_CACHE_MS, problems, settled: false };
        integrity = check;
        problems.then(
          () => {
            check.settled = true;
            // A file that takes long to check is checked less often (at most a tenth of the time).
            check.keepMs = Math.max(INTEGRITY_CACHE_MS, 10 * (Date.now() - now));
            check.checkedAt = Date.now();
          },
          // A failed check is not remembered: the next call tries again.
          () => {
            if (integrity === check) integrity = previous;
          },
        );
        // While a large file is checked again, the last finding answers (a poll never waits for it).
        if (previous) return previous.problems;
      }
      if (!integrity.settled && integrity.previous) return integrity.previous.problems;
      return integrity.problems;
    },
    async vectorIndexStats() {
      return background && vectorIndex ? background.vectorIndexStats() : undefined;
    },
    async close() {
      if (background?.running && vectorIndex) {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, FLUSH_ON_CLOSE_MS);
        });
        await Promise.race([background.flushVectorIndex().catch(() => {}), deadline]);
        clearTimeout(timer);
      }
      await Promise.all([background?.close(), reader?.close(), checker?.close()]);
      if (db.open) db.close();
    },
  };
  // A file too large to be checked at open is checked now, beside the start.
  if (!checkedAtOpen) store.checkIntegrity().catch(() => {});
  return store;
}
