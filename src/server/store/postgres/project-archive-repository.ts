import type pg from 'pg';
import { analyzedText } from '../text-analyzer.ts';
import { ConflictError } from '../../errors.ts';
import type { ArchiveVectorRecord, ImportedIds, ProjectArchiveRepository, ProjectImportResult } from '../store.ts';
import { toChatRecord, type ChatRow } from './chat-repository.ts';
import { toChunkRecord, type ChunkRow } from './chunk-repository.ts';
import { toDocumentRecord, type DocumentRow } from './document-repository.ts';
import { toMessageRecord, type MessageRow } from './message-repository.ts';
import { now, transaction } from './postgres-database.ts';
import type { VectorLayout } from './vector-layout.ts';

const MAX_NAME_SUFFIX = 10_000;

/** Keyset-paged reads of one project, and the whole-project insert of an import in one transaction. */
export function createPostgresProjectArchiveRepository(pool: pg.Pool, layout: VectorLayout): ProjectArchiveRepository {
  return {
    async pageDocuments({ projectId, afterId, limit }) {
      return (
        await pool.query<DocumentRow>('SELECT * FROM documents WHERE project_id = $1 AND id > $2 ORDER BY id LIMIT $3', [
          projectId,
          afterId,
          limit,
        ])
      ).rows.map(toDocumentRecord);
    },

    async pageChunks({ projectId, afterId, limit }) {
      const { rows } = await pool.query<ChunkRow>(
        `SELECT c.*, d.filename FROM chunks c JOIN documents d ON d.id = c.document_id
         WHERE c.project_id = $1 AND d.status = 'completed' AND c.id > $2 ORDER BY c.id LIMIT $3`,
        [projectId, afterId, limit],
      );
      return rows.map(toChunkRecord);
    },

    async pageVectors({ indexId, afterChunkId, limit }) {
      const { rows } = await pool.query<{ chunk_id: number; document_id: number; chunk_index: number; embedding: unknown }>(
        `SELECT v.chunk_id, c.document_id, c.chunk_index, v.embedding${layout.kind === 'pgvector' ? '::text' : ''} AS embedding
         FROM ${layout.table} v JOIN chunks c ON c.id = v.chunk_id
         WHERE v.index_id = $1 AND v.chunk_id > $2 ORDER BY v.chunk_id LIMIT $3`,
        [indexId, afterChunkId, limit],
      );
      return rows.map(
        (row): ArchiveVectorRecord => ({
          chunkId: row.chunk_id,
          documentId: row.document_id,
          chunkIndex: row.chunk_index,
          embedding: layout.decode(row.embedding),
        }),
      );
    },

    async pageChats({ projectId, afterId, limit }) {
      const { rows } = await pool.query<ChatRow>(
        `SELECT c.*, (SELECT COUNT(*)::int FROM messages m WHERE m.chat_id = c.id) AS message_count
         FROM chats c WHERE c.project_id = $1 AND c.deleted_at IS NULL AND c.id > $2 ORDER BY c.id LIMIT $3`,
        [projectId, afterId, limit],
      );
      return rows.map(toChatRecord);
    },

    async pageMessages({ projectId, afterId, limit }) {
      const { rows } = await pool.query<MessageRow>(
        `SELECT m.* FROM messages m JOIN chats c ON c.id = m.chat_id
         WHERE c.project_id = $1 AND c.deleted_at IS NULL AND m.id > $2 ORDER BY m.id LIMIT $3`,
        [projectId, afterId, limit],
      );
      return rows.map(toMessageRecord);
    },

    async unfinishedImports() {
      // Imports here are one transaction, so none is left half-written by a crash; the flag is read for parity with SQLite.
      return (await pool.query<{ id: number }>('SELECT id FROM projects WHERE importing = 1')).rows.map((row) => row.id);
    },

    async importProject(input) {
      return transaction(pool, async (client): Promise<ProjectImportResult> => {
        // Serialises imports that pick a free name.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['daa:project-names']);
        const taken = async (name: string) =>
          ((await client.query('SELECT 1 FROM projects WHERE lower(name) = lower($1) AND deleted_at IS NULL', [name])).rowCount ?? 0) > 0;
        let name = input.project.name;
        if (await taken(name)) {
          if (input.project.onNameClash === 'refuse') throw new ConflictError(`Project with name '${name}' already exists`);
          let suffix = 2;
          while (await taken(`${input.project.name} (${suffix})`)) {
            suffix += 1;
            if (suffix > MAX_NAME_SUFFIX)
              throw new ConflictError(`No free name was found for the imported project '${input.project.name}'`);
          }
          name = `${input.project.name} (${suffix})`;
        }
        const timestamp = now();
        const projectId = (
          await client.query<{ id: number }>(
            'INSERT INTO projects (name, description, settings, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id',
            [name, input.project.description, JSON.stringify(input.project.settings), timestamp],
          )
        ).rows[0]!.id;

        const documents = new Map<number, { id: number; status: string; chunks: number }>();
        const storedNames = new Map<number, string>();
        const pendingDocumentIds: number[] = [];
        for (const document of input.documents) {
          const stage = document.status === 'pending' ? 'queued' : document.status;
          const id = (
            await client.query<{ id: number }>(
              `INSERT INTO documents (project_id, filename, file_type, mime_type, file_size, stored_name, content_hash, status, stage,
                 progress, error_message, page_count, word_count, doc_metadata, parsed_metadata, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
              [
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
              ],
            )
          ).rows[0]!.id;
          if (document.status === 'pending') pendingDocumentIds.push(id);
          documents.set(document.ref, { id, status: document.status, chunks: 0 });
          storedNames.set(id, document.storedName);
        }

        // New chunk ids by position, so references resolve without a query (ImportedIds is synchronous).
        const chunkIds = new Map<string, number>();
        let chunks = 0;
        for (const chunk of input.chunks) {
          const document = documents.get(chunk.documentRef);
          if (!document || document.status !== 'completed')
            throw new Error(`chunk of an unknown or unfinished document ${chunk.documentRef}`);
          const id = (
            await client.query<{ id: number }>(
              `INSERT INTO chunks (document_id, project_id, chunk_index, content, start_char, end_char, page, heading, sheet, rows, search_text)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
              [
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
                analyzedText(chunk.content),
              ],
            )
          ).rows[0]!.id;
          chunkIds.set(`${document.id}:${chunk.chunkIndex}`, id);
          document.chunks += 1;
          chunks += 1;
        }
        for (const document of documents.values()) {
          if (document.chunks > 0)
            await client.query('UPDATE documents SET chunk_count = $1 WHERE id = $2', [document.chunks, document.id]);
        }

        const ids: ImportedIds = {
          documentId: (ref) => documents.get(ref)?.id,
          chunkId: (documentRef, chunkIndex) => {
            const document = documents.get(documentRef);
            return document ? chunkIds.get(`${document.id}:${chunkIndex}`) : undefined;
          },
        };

        let vectors = 0;
        if (input.vectorIndex) {
          const { provider, model, dimensions } = input.vectorIndex;
          if (!Number.isInteger(dimensions) || dimensions <= 0 || dimensions > 16_000) throw new Error(`bad dimensions ${dimensions}`);
          const index = (
            await client.query<{ id: number; model: string; dimensions: number }>(
              `INSERT INTO embedding_indexes (project_id, provider, model, dimensions, status, created_at, updated_at)
               VALUES ($1, $2, $3, $4, 'active', $5, $5) RETURNING id, model, dimensions`,
              [projectId, provider, model, dimensions, timestamp],
            )
          ).rows[0]!;
          await client.query('INSERT INTO vector_storage (index_id) VALUES ($1)', [index.id]);
          await layout.prepare(client, index);
          for (const vector of input.vectorIndex.vectors) {
            const chunkId = ids.chunkId(vector.documentRef, vector.chunkIndex);
            if (chunkId === undefined) continue;
            await layout.upsert(client, index, chunkId, vector.embedding);
            vectors += 1;
          }
          await client.query(`UPDATE documents SET embedding_model = $1 WHERE project_id = $2 AND status = 'completed'`, [
            model,
            projectId,
          ]);
        }

        const chats = new Map<number, number>();
        for (const chat of input.chats) {
          const id = (
            await client.query<{ id: number }>(
              'INSERT INTO chats (project_id, title, title_is_custom, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
              [projectId, chat.title, chat.titleIsCustom ? 1 : 0, chat.createdAt, chat.updatedAt],
            )
          ).rows[0]!.id;
          chats.set(chat.ref, id);
        }
        let messages = 0;
        for (const message of input.messages(ids)) {
          const chatId = chats.get(message.chatRef);
          if (chatId === undefined) throw new Error(`message of an unknown chat ${message.chatRef}`);
          await client.query(
            `INSERT INTO messages (chat_id, role, content, sources, model_name, status, error, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [
              chatId,
              message.role,
              message.content,
              message.sources ? JSON.stringify(message.sources) : null,
              message.modelName,
              message.status,
              message.error,
              message.createdAt,
              message.updatedAt,
            ],
          );
          messages += 1;
        }
        return { projectId, storedNames, documents: documents.size, chunks, vectors, chats: chats.size, messages, pendingDocumentIds };
      });
    },
  };
}
