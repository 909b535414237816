import type { Store } from '../store.ts';
import { createSqliteChatRepository } from './chat-repository.ts';
import { createSqliteChunkRepository } from './chunk-repository.ts';
import { createSqliteDocumentRepository } from './document-repository.ts';
import { createSqliteJobRepository } from './job-repository.ts';
import { createSqliteMessageRepository } from './message-repository.ts';
import { createSqliteProjectArchiveRepository } from './project-archive-repository.ts';
import { createSqliteProjectRepository } from './project-repository.ts';
import { createSqliteSettingsRepository } from './settings-repository.ts';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database.ts';
import { createSqliteVectorRepository } from './vector-repository.ts';

export interface SqliteStore extends Store {
  /** The raw handle, for the other SQLite-backed modules (full-text index, job queue) in `store/`. */
  readonly db: SqliteDatabase;
}

/** The embedded default store: one SQLite file in WAL mode. */
export function createSqliteStore(options: { filePath: string }): SqliteStore {
  const db = openSqliteDatabase(options.filePath);
  return {
    db,
    projects: createSqliteProjectRepository(db),
    chats: createSqliteChatRepository(db),
    messages: createSqliteMessageRepository(db),
    settings: createSqliteSettingsRepository(db),
    documents: createSqliteDocumentRepository(db),
    chunks: createSqliteChunkRepository(db),
    jobs: createSqliteJobRepository(db),
    vectors: createSqliteVectorRepository(db),
    archive: createSqliteProjectArchiveRepository(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
