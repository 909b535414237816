import type { Statement } from 'better-sqlite3';
import { ConflictError } from '../../errors.ts';
import type { ArchiveVectorRecord, ImportedIds, ProjectArchiveRepository, ProjectImportInput, ProjectImportResult } from '../store.ts';
import { toRecord as toChatRecord } from './chat-repository.ts';
import { toRecord as toChunkRecord } from './chunk-repository.ts';
import { vectorBlob } from './vector-search.ts';
import { vectorTableName } from './document-index-cleanup.ts';
import { prepareVectorWriteLog } from './vector-changes.ts';
import { toRecord as toDocumentRecord } from './document-repository.ts';
import { toRecord as toMessageRecord } from './message-repository.ts';
import { retryWhileBusy } from './busy-retry.ts';
import { writeBatches } from './paged-work.ts';
import { now, type SqliteDatabase } from './sqlite-database.ts';

type DocumentRow = Parameters<typeof toDocumentRecord>[0];
type ChunkRow = Parameters<typeof toChunkRecord>[0];
type ChatRow = Parameters<typeof toChatRecord>[0];
type MessageRow = Parameters<typeof toMessageRecord>[0];

/** How far "Name (2)", "Name (3)" … is tried before the import gives up on a free name. */
const MAX_NAME_SUFFIX = 10_000;

/**
 * Keyset-paged reads of one project (stable while it changes: nothing is skipped or read twice) and
 * the insert of an imported project: many short transactions into a hidden project, revealed by the
 * last one, so that the event loop keeps serving and nothing half-imported is ever visible.
 */
export function createSqliteProjectArchiveRepository(
  db: SqliteDatabase,
  options: {
    /** Removes a project's rows in short pages (the project repository's hard delete). */
    discardProject: (projectId: number) => Promise<unknown>;
    busyRetryMs: number;
  },
): ProjectArchiveRepository {
  const busyPolicy = { maxWaitMs: options.busyRetryMs };
  const statements = {
    documents: db.prepare<[number, number, number], DocumentRow>(
      'SELECT * FROM documents WHERE project_id = ? AND id > ? ORDER BY id LIMIT ?',
    ),
    chunks: db.prepare<[number, number, number], ChunkRow>(
      `SELECT c.*, d.filename FROM chunks c JOIN documents d ON d.id = c.document_id
       WHERE c.project_id = ? AND d.status = 'completed' AND c.id > ? ORDER BY c.id LIMIT ?`,
    ),
    chats: db.prepare<[number, number, number], ChatRow>(
      `SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.chat_id = c.id) AS message_count
       FROM chats c WHERE c.project_id = ? AND c.deleted_at IS NULL AND c.id > ? ORDER BY c.id LIMIT ?`,
    ),
    messages: db.prepare<[number, number, number], MessageRow>(
      `SELECT m.* FROM messages m JOIN chats c ON c.id = m.chat_id
       WHERE c.project_id = ? AND c.deleted_at IS NULL AND m.id > ? ORDER BY m.id LIMIT ?`,
    ),
    indexProject: db.prepare<[number], { project_id: number }>('SELECT project_id FROM embedding_indexes WHERE id = ?'),
    chunkPage: db.prepare<[number, number, number], { id: number; document_id: number; chunk_index: number }>(
      'SELECT id, document_id, chunk_index FROM chunks WHERE project_id = ? AND id > ? ORDER BY id LIMIT ?',
    ),
    nameTaken: db.prepare<[string], { id: number }>('SELECT id FROM projects WHERE name = ? COLLATE NOCASE AND deleted_at IS NULL'),
    // Hidden (soft-deleted and importing) until `reveal`: no listing, lookup or name check sees it.
    insertHidden: db.prepare(
      'INSERT INTO projects (name, description, settings, created_at, updated_at, deleted_at, importing) VALUES (?, ?, ?, ?, ?, ?, 1)',
    ),
    reveal: db.prepare('UPDATE projects SET name = ?, deleted_at = NULL, importing = 0, updated_at = ? WHERE id = ? AND importing = 1'),
    unfinishedImports: db.prepare<[string | null, string | null], { id: number }>(
      'SELECT id FROM projects WHERE importing = 1 AND (? IS NULL OR updated_at < ?)',
    ),
    insertDocument: db.prepare(
      `INSERT INTO documents (project_id, filename, file_type, mime_type, file_size, stored_name, content_hash, status, stage,
         progress, error_message, page_count, word_count, doc_metadata, parsed_metadata, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertChunk: db.prepare(
      `INSERT INTO chunks (document_id, project_id, chunk_index, content, start_char, end_char, page, heading, sheet, rows)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    chunkCount: db.prepare('UPDATE documents SET chunk_count = ? WHERE id = ?'),
    chunkByPosition: db.prepare<[number, number], { id: number }>('SELECT id FROM chunks WHERE document_id = ? AND chunk_index = ?'),
    insertIndex: db.prepare(
      `INSERT INTO embedding_indexes (project_id, provider, model, dimensions, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'active', ?, ?)`,
    ),
    markEmbedded: db.prepare('UPDATE documents SET embedding_model = ? WHERE id = ?'),
    insertChat: db.prepare(
      'INSERT INTO chats (project_id, title, title_is_custom, created_by, model, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    insertMessage: db.prepare(
      `INSERT INTO messages (chat_id, role, content, sources, model_name, status, error, parent_id, is_active, feedback, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };

  function freeName(project: ProjectImportInput['project']): string {
    if (!statements.nameTaken.get(project.name)) return project.name;
    if (project.onNameClash === 'refuse') throw new ConflictError(`Project with name '${project.name}' already exists`);
    for (let suffix = 2; suffix <= MAX_NAME_SUFFIX; suffix += 1) {
      const candidate = `${project.name} (${suffix})`;
      if (!statements.nameTaken.get(candidate)) return candidate;
    }
    throw new ConflictError(`No free name was found for the imported project '${project.name}'`);
  }

  /** Writes `items` in short transactions (each retried while another connection holds the lock). */
  async function writeInBatches<T>(items: Iterable<T>, write: (item: T) => void): Promise<void> {
    await writeBatches(items, (batch) => retryWhileBusy(async () => db.transaction(() => batch.forEach(write))(), busyPolicy));
  }

  async function writeAll(projectId: number, input: ProjectImportInput): Promise<ProjectImportResult> {
    const timestamp = now();
    const documents = new Map<number, { id: number; status: string; chunks: number }>();
    const storedNames = new Map<number, string>();
    const pendingDocumentIds: number[] = [];

    // The index comes first: every chunk written after it gets a backlog row by trigger, and each
    // vector written takes its row out again, so chunks the archive has no vector for stay queued.
    let vectorIndex:
      | {
          indexId: number;
          insertVector: Statement<[bigint, Buffer]>;
          dropBacklog: Statement<[number, number]>;
          logWrite: Statement<[number, number]>;
        }
      | undefined;
    if (input.vectorIndex) {
      const { provider, model, dimensions } = input.vectorIndex;
      if (!Number.isInteger(dimensions) || dimensions <= 0 || dimensions > 16_384) throw new Error(`bad dimensions ${dimensions}`);
      vectorIndex = await retryWhileBusy(
        async () =>
          db.transaction(() => {
            const indexId = Number(
              statements.insertIndex.run(projectId, provider, model, dimensions, timestamp, timestamp).lastInsertRowid,
            );
            const table = vectorTableName(indexId);
            db.exec(
              `CREATE VIRTUAL TABLE ${table} USING vec0(chunk_id integer primary key, embedding float[${dimensions}] distance_metric=cosine)`,
            );
            return {
              indexId,
              insertVector: db.prepare<[bigint, Buffer]>(`INSERT INTO ${table} (chunk_id, embedding) VALUES (?, ?)`),
              dropBacklog: db.prepare<[number, number]>('DELETE FROM vector_backlog WHERE index_id = ? AND chunk_id = ?'),
              logWrite: prepareVectorWriteLog(db),
            };
          })(),
        busyPolicy,
      );
    }

    await writeInBatches(input.documents, (document) => {
      const stage = document.status === 'pending' ? 'queued' : document.status;
      const id = Number(
        statements.insertDocument.run(
          projectId,
          document.filename,
          document.fileType,
          document.mimeType,
          document.fileSize,
          document.storedName,
          document.contentHash,
          document.status,
          stage,
          document.status === 'completed' ? 100 : 0,
          document.errorMessage,
          document.pageCount,
          document.wordCount,
          document.docMetadata === null ? null : JSON.stringify(document.docMetadata),
          document.parsedMetadata === null ? null : JSON.stringify(document.parsedMetadata),
          document.createdAt,
          document.updatedAt,
        ).lastInsertRowid,
      );
      if (document.status === 'pending') pendingDocumentIds.push(id);
      documents.set(document.ref, { id, status: document.status, chunks: 0 });
      storedNames.set(id, document.storedName);
      if (input.vectorIndex && document.status === 'completed') statements.markEmbedded.run(input.vectorIndex.model, id);
    });

    let chunks = 0;
    await writeInBatches(input.chunks, (chunk) => {
      const document = documents.get(chunk.documentRef);
      if (document?.status !== 'completed') throw new Error(`chunk of an unknown or unfinished document ${chunk.documentRef}`);
      statements.insertChunk.run(
        document.id,
        projectId,
        chunk.chunkIndex,
        chunk.content,
        chunk.startChar,
        chunk.endChar,
        chunk.page ?? null,
        chunk.heading ?? null,
        chunk.sheet ?? null,
        chunk.rows ?? null,
      );
      document.chunks += 1;
      chunks += 1;
    });
    await writeInBatches(
      [...documents.values()].filter((document) => document.chunks > 0),
      (document) => statements.chunkCount.run(document.chunks, document.id),
    );

    const ids: ImportedIds = {
      documentId: (ref) => documents.get(ref)?.id,
      chunkId: (documentRef, chunkIndex) => {
        const document = documents.get(documentRef);
        return document ? statements.chunkByPosition.get(document.id, chunkIndex)?.id : undefined;
      },
    };

    let vectors = 0;
    if (input.vectorIndex && vectorIndex) {
      const { indexId, insertVector, dropBacklog, logWrite } = vectorIndex;
      await writeInBatches(input.vectorIndex.vectors, (vector) => {
        const chunkId = ids.chunkId(vector.documentRef, vector.chunkIndex);
        if (chunkId === undefined) return;
        insertVector.run(BigInt(chunkId), vectorBlob(vector.embedding));
        dropBacklog.run(indexId, chunkId);
        logWrite.run(indexId, chunkId);
        vectors += 1;
      });
    }

    const chats = new Map<number, number>();
    await writeInBatches(input.chats, (chat) => {
      const id = Number(
        statements.insertChat.run(
          projectId,
          chat.title,
          chat.titleIsCustom ? 1 : 0,
          input.chatsCreatedBy ?? null,
          chat.model,
          chat.createdAt,
          chat.updatedAt,
        ).lastInsertRowid,
      );
      chats.set(chat.ref, id);
    });
    let messages = 0;
    // Archive ref → new id, for the tree's parents (a parent always comes before its children).
    const messageIds = new Map<number, number>();
    await writeInBatches(input.messages(ids), (message) => {
      const chatId = chats.get(message.chatRef);
      if (chatId === undefined) throw new Error(`message of an unknown chat ${message.chatRef}`);
      const id = statements.insertMessage.run(
        chatId,
        message.role,
        message.content,
        message.sources ? JSON.stringify(message.sources) : null,
        message.modelName,
        message.status,
        message.error,
        message.parentRef === null ? null : (messageIds.get(message.parentRef) ?? null),
        message.active ? 1 : 0,
        message.feedback,
        message.createdAt,
        message.updatedAt,
      ).lastInsertRowid;
      messageIds.set(message.ref, Number(id));
      messages += 1;
    });

    // The one step that makes it visible: tiny, and it takes a name that is free at this moment.
    await retryWhileBusy(
      async () =>
        db.transaction(() => {
          statements.reveal.run(freeName(input.project), now(), projectId);
        })(),
      busyPolicy,
    );
    return { projectId, storedNames, documents: documents.size, chunks, vectors, chats: chats.size, messages, pendingDocumentIds };
  }

  return {
    async pageDocuments({ projectId, afterId, limit }) {
      return statements.documents.all(projectId, afterId, limit).map(toDocumentRecord);
    },

    async pageChunks({ projectId, afterId, limit }) {
      return statements.chunks.all(projectId, afterId, limit).map(toChunkRecord);
    },

    async pageVectors({ indexId, afterChunkId, limit }) {
      const index = statements.indexProject.get(indexId);
      if (!index) return [];
      // vec0 has no range scan on its key: walk the chunks by id and look each vector up by key.
      const lookup = db.prepare<[bigint], { embedding: Buffer }>(`SELECT embedding FROM ${vectorTableName(indexId)} WHERE chunk_id = ?`);
      const page: ArchiveVectorRecord[] = [];
      let after = afterChunkId;
      while (page.length < limit) {
        const chunks = statements.chunkPage.all(index.project_id, after, limit);
        if (chunks.length === 0) break;
        for (const chunk of chunks) {
          after = chunk.id;
          const row = lookup.get(BigInt(chunk.id));
          if (!row) continue;
          const bytes = Uint8Array.from(row.embedding);
          page.push({
            chunkId: chunk.id,
            documentId: chunk.document_id,
            chunkIndex: chunk.chunk_index,
            embedding: new Float32Array(bytes.buffer, 0, bytes.byteLength / 4),
          });
          if (page.length === limit) break;
        }
      }
      return page;
    },

    async pageChats({ projectId, afterId, limit }) {
      return statements.chats.all(projectId, afterId, limit).map(toChatRecord);
    },

    async pageMessages({ projectId, afterId, limit }) {
      return statements.messages.all(projectId, afterId, limit).map(toMessageRecord);
    },

    async importProject(input) {
      const projectId = await retryWhileBusy(async () => {
        // Checked now so that a refused name fails before any work; checked again when it is revealed.
        freeName(input.project);
        const timestamp = now();
        return Number(
          statements.insertHidden.run(
            input.project.name,
            input.project.description,
            JSON.stringify(input.project.settings),
            timestamp,
            timestamp,
            timestamp,
          ).lastInsertRowid,
        );
      }, busyPolicy);
      try {
        return await writeAll(projectId, input);
      } catch (error) {
        // Nothing of it was ever visible; its rows go in short pages, its vec0 table with the orphans.
        await retryWhileBusy(() => options.discardProject(projectId), busyPolicy);
        throw error;
      }
    },

    async unfinishedImports(options = {}) {
      const since = options.notUpdatedSince ?? null;
      return statements.unfinishedImports.all(since, since).map((row) => row.id);
    },
  };
}
