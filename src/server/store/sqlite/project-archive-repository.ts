import { ConflictError } from '../../errors.ts';
import type { ArchiveVectorRecord, ImportedIds, ProjectArchiveRepository, ProjectImportInput, ProjectImportResult } from '../store.ts';
import { toRecord as toChatRecord } from './chat-repository.ts';
import { toRecord as toChunkRecord } from './chunk-repository.ts';
import { vectorBlob } from './vector-search.ts';
import { vectorTableName } from './document-index-cleanup.ts';
import { toRecord as toDocumentRecord } from './document-repository.ts';
import { toRecord as toMessageRecord } from './message-repository.ts';
import { now, type SqliteDatabase } from './sqlite-database.ts';

type DocumentRow = Parameters<typeof toDocumentRecord>[0];
type ChunkRow = Parameters<typeof toChunkRecord>[0];
type ChatRow = Parameters<typeof toChatRecord>[0];
type MessageRow = Parameters<typeof toMessageRecord>[0];

/** How far "Name (2)", "Name (3)" … is tried before the import gives up on a free name. */
const MAX_NAME_SUFFIX = 10_000;

/**
 * Keyset-paged reads of one project (stable while it changes: nothing is skipped or read twice) and
 * the whole-project insert of an import, in one transaction.
 */
export function createSqliteProjectArchiveRepository(db: SqliteDatabase): ProjectArchiveRepository {
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
    nameTaken: db.prepare<[string], { id: number }>(
      'SELECT id FROM projects WHERE name = ? COLLATE NOCASE AND deleted_at IS NULL',
    ),
    insertProject: db.prepare('INSERT INTO projects (name, description, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
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
    markEmbedded: db.prepare(`UPDATE documents SET embedding_model = ? WHERE project_id = ? AND status = 'completed'`),
    insertChat: db.prepare('INSERT INTO chats (project_id, title, title_is_custom, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
    insertMessage: db.prepare(
      `INSERT INTO messages (chat_id, role, content, sources, model_name, status, error, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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

  const importAll = db.transaction((input: ProjectImportInput): ProjectImportResult => {
    const timestamp = now();
    const projectId = Number(
      statements.insertProject.run(freeName(input.project), input.project.description, JSON.stringify(input.project.settings), timestamp, timestamp)
        .lastInsertRowid,
    );
    const documents = new Map<number, { id: number; status: string; chunks: number }>();
    const storedNames = new Map<number, string>();
    const pendingDocumentIds: number[] = [];
    for (const document of input.documents) {
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
    }

    let chunks = 0;
    for (const chunk of input.chunks) {
      const document = documents.get(chunk.documentRef);
      if (!document || document.status !== 'completed') throw new Error(`chunk of an unknown or unfinished document ${chunk.documentRef}`);
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
    }
    for (const document of documents.values()) if (document.chunks > 0) statements.chunkCount.run(document.chunks, document.id);

    const ids: ImportedIds = {
      documentId: (ref) => documents.get(ref)?.id,
      chunkId: (documentRef, chunkIndex) => {
        const document = documents.get(documentRef);
        return document ? statements.chunkByPosition.get(document.id, chunkIndex)?.id : undefined;
      },
    };

    let vectors = 0;
    if (input.vectorIndex) {
      const { provider, model, dimensions } = input.vectorIndex;
      if (!Number.isInteger(dimensions) || dimensions <= 0 || dimensions > 16_384) throw new Error(`bad dimensions ${dimensions}`);
      const indexId = Number(statements.insertIndex.run(projectId, provider, model, dimensions, timestamp, timestamp).lastInsertRowid);
      const table = vectorTableName(indexId);
      db.exec(`CREATE VIRTUAL TABLE ${table} USING vec0(chunk_id integer primary key, embedding float[${dimensions}] distance_metric=cosine)`);
      const insertVector = db.prepare(`INSERT INTO ${table} (chunk_id, embedding) VALUES (?, ?)`);
      for (const vector of input.vectorIndex.vectors) {
        const chunkId = ids.chunkId(vector.documentRef, vector.chunkIndex);
        if (chunkId === undefined) continue;
        insertVector.run(BigInt(chunkId), vectorBlob(vector.embedding));
        vectors += 1;
      }
      // The index is created seeded (its chunks were inserted before it existed, so no trigger saw
      // them): chunks the archive has no vector for go into its backlog here, to be embedded later.
      db.prepare(
        `INSERT OR IGNORE INTO vector_backlog (index_id, chunk_id)
           SELECT ?, c.id FROM chunks c WHERE c.project_id = ? AND c.id NOT IN (SELECT chunk_id FROM ${table})`,
      ).run(indexId, projectId);
      statements.markEmbedded.run(model, projectId);
    }

    const chats = new Map<number, number>();
    for (const chat of input.chats) {
      const id = Number(statements.insertChat.run(projectId, chat.title, chat.titleIsCustom ? 1 : 0, chat.createdAt, chat.updatedAt).lastInsertRowid);
      chats.set(chat.ref, id);
    }
    let messages = 0;
    for (const message of input.messages(ids)) {
      const chatId = chats.get(message.chatRef);
      if (chatId === undefined) throw new Error(`message of an unknown chat ${message.chatRef}`);
      statements.insertMessage.run(
        chatId,
        message.role,
        message.content,
        message.sources ? JSON.stringify(message.sources) : null,
        message.modelName,
        message.status,
        message.error,
        message.createdAt,
        message.updatedAt,
      );
      messages += 1;
    }
    return { projectId, storedNames, documents: documents.size, chunks, vectors, chats: chats.size, messages, pendingDocumentIds };
  });

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
      return importAll(input);
    },
  };
}
