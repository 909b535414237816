import type pg from 'pg';
import { analyzedText } from '../text-analyzer.ts';
import { ConflictError } from '../../errors.ts';
import type { ArchiveVectorRecord, ImportedIds, ProjectArchiveRepository, ProjectImportInput, ProjectImportResult } from '../store.ts';
import { toChatRecord, type ChatRow } from './chat-repository.ts';
import { toChunkRecord, type ChunkRow } from './chunk-repository.ts';
import { toDocumentRecord, type DocumentRow } from './document-repository.ts';
import { toMessageRecord, type MessageRow } from './message-repository.ts';
import { now, type Queryable, retryWhileBusy, transaction } from './postgres-database.ts';
import type { VectorLayout } from './vector-layout.ts';

const MAX_NAME_SUFFIX = 10_000;

/** Rows written per transaction: each import step holds one connection and its locks only briefly. */
const IMPORT_BATCH = 500;

/** The archive's name, or the first free "name (n)"; ConflictError when refused or none is free. */
async function freeName(client: Queryable, project: ProjectImportInput['project']): Promise<string> {
  const taken = async (name: string) =>
    ((await client.query('SELECT 1 FROM projects WHERE lower(name) = lower($1) AND deleted_at IS NULL', [name])).rowCount ?? 0) > 0;
  if (!(await taken(project.name))) return project.name;
  if (project.onNameClash === 'refuse') throw new ConflictError(`Project with name '${project.name}' already exists`);
  for (let suffix = 2; suffix <= MAX_NAME_SUFFIX; suffix += 1) {
    const candidate = `${project.name} (${suffix})`;
    if (!(await taken(candidate))) return candidate;
  }
  throw new ConflictError(`No free name was found for the imported project '${project.name}'`);
}

/**
 * Keyset-paged reads of one project, and the import of a whole project in short transactions into a
 * hidden project (`importing = 1`, never listed) that one last short step reveals under a free name.
 */
export function createPostgresProjectArchiveRepository(
  pool: pg.Pool,
  layout: VectorLayout,
  options: {
    /** Removes a hidden project whose import failed (rows in short pages). */
    discardProject: (projectId: number) => Promise<unknown>;
    busyRetryMs: number;
  },
): ProjectArchiveRepository {
  /**
   * Writes `items` in transactions of IMPORT_BATCH rows, each retried alone while the database is
   * busy. Each also touches the hidden project's `updated_at`: the import is alive while it moves.
   */
  async function inBatches<T>(projectId: number, items: Iterable<T>, write: (client: pg.PoolClient, item: T) => Promise<void>) {
    let batch: T[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const rows = batch;
      batch = [];
      await retryWhileBusy(
        () =>
          transaction(pool, async (client) => {
            for (const item of rows) await write(client, item);
            await client.query('UPDATE projects SET updated_at = $1 WHERE id = $2', [now(), projectId]);
          }),
        options.busyRetryMs,
      );
    };
    for (const item of items) {
      batch.push(item);
      if (batch.length >= IMPORT_BATCH) await flush();
    }
    await flush();
  }

  async function writeAll(projectId: number, input: ProjectImportInput, timestamp: string): Promise<ProjectImportResult> {
    const documents = new Map<number, { id: number; status: string; chunks: number }>();
    const storedNames = new Map<number, string>();
    const pendingDocumentIds: number[] = [];
    await inBatches(projectId, input.documents, async (client, document) => {
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
    });

    // New chunk ids by position, so references resolve without a query (ImportedIds is synchronous).
    const chunkIds = new Map<string, number>();
    let chunks = 0;
    await inBatches(projectId, input.chunks, async (client, chunk) => {
      const document = documents.get(chunk.documentRef);
      if (!document || document.status !== 'completed') throw new Error(`chunk of an unknown or unfinished document ${chunk.documentRef}`);
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
    });
    await inBatches(
      projectId,
      [...documents.values()].filter((document) => document.chunks > 0),
      async (client, document) =>
        void (await client.query('UPDATE documents SET chunk_count = $1 WHERE id = $2', [document.chunks, document.id])),
    );

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
      const index = await transaction(pool, async (client) => {
        const created = (
          await client.query<{ id: number; model: string; dimensions: number }>(
            `INSERT INTO embedding_indexes (project_id, provider, model, dimensions, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'active', $5, $5) RETURNING id, model, dimensions`,
            [projectId, provider, model, dimensions, timestamp],
          )
        ).rows[0]!;
        await client.query('INSERT INTO vector_storage (index_id) VALUES ($1)', [created.id]);
        await layout.prepare(client, created);
        return created;
      });
      await inBatches(projectId, input.vectorIndex.vectors, async (client, vector) => {
        const chunkId = ids.chunkId(vector.documentRef, vector.chunkIndex);
        if (chunkId === undefined) return;
        await layout.upsert(client, index, chunkId, vector.embedding);
        vectors += 1;
      });
      await pool.query(`UPDATE documents SET embedding_model = $1 WHERE project_id = $2 AND status = 'completed'`, [model, projectId]);
    }

    const chats = new Map<number, number>();
    await inBatches(projectId, input.chats, async (client, chat) => {
      const id = (
        await client.query<{ id: number }>(
          'INSERT INTO chats (project_id, title, title_is_custom, created_by, model, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
          [projectId, chat.title, chat.titleIsCustom ? 1 : 0, input.chatsCreatedBy ?? null, chat.model, chat.createdAt, chat.updatedAt],
        )
      ).rows[0]!.id;
      chats.set(chat.ref, id);
    });
    let messages = 0;
    // Archive ref → new id, for the tree's parents (a parent always comes before its children).
    const messageIds = new Map<number, number>();
    await inBatches(projectId, input.messages(ids), async (client, message) => {
      const chatId = chats.get(message.chatRef);
      if (chatId === undefined) throw new Error(`message of an unknown chat ${message.chatRef}`);
      const inserted = await client.query<{ id: number }>(
        `INSERT INTO messages (chat_id, role, content, sources, model_name, status, error, parent_id, is_active, feedback, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
        [
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
        ],
      );
      messageIds.set(message.ref, inserted.rows[0]!.id);
      messages += 1;
    });

    // The one step that makes it visible: short, serialised with other imports choosing a name.
    await retryWhileBusy(
      () =>
        transaction(pool, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['daa:project-names']);
          const name = await freeName(client, input.project);
          await client.query(
            'UPDATE projects SET name = $1, deleted_at = NULL, importing = 0, updated_at = $2 WHERE id = $3 AND importing = 1',
            [name, now(), projectId],
          );
        }),
      options.busyRetryMs,
    );
    return { projectId, storedNames, documents: documents.size, chunks, vectors, chats: chats.size, messages, pendingDocumentIds };
  }

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

    async unfinishedImports(options = {}) {
      const { rows } = await pool.query<{ id: number }>(
        'SELECT id FROM projects WHERE importing = 1 AND ($1::text IS NULL OR updated_at < $1)',
        [options.notUpdatedSince ?? null],
      );
      return rows.map((row) => row.id);
    },

    async importProject(input) {
      // Checked now so that a refused name fails before any work; chosen again when it is revealed.
      await retryWhileBusy(() => freeName(pool, input.project), options.busyRetryMs);
      const timestamp = now();
      const projectId = (
        await pool.query<{ id: number }>(
          `INSERT INTO projects (name, description, settings, created_at, updated_at, deleted_at, importing)
           VALUES ($1, $2, $3, $4, $4, $4, 1) RETURNING id`,
          [input.project.name, input.project.description, JSON.stringify(input.project.settings), timestamp],
        )
      ).rows[0]!.id;
      try {
        return await writeAll(projectId, input, timestamp);
      } catch (error) {
        // Nothing of it was ever visible; its rows go (by cascade), its vector storage with the orphans.
        await retryWhileBusy(() => options.discardProject(projectId), options.busyRetryMs).catch(() => undefined);
        throw error;
      }
    },
  };
}
