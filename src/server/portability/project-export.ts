import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { PassThrough, Readable, Transform } from 'node:stream';
import yazl from 'yazl';
import { NotFoundError } from '../errors.ts';
import type { ProjectRecord } from '../store/store.ts';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  type ArchiveManifest,
  type ChatLine,
  type ChunkLine,
  type DocumentLine,
  encodeEmbedding,
  fileEntryName,
  MANIFEST_ENTRY,
  type MessageLine,
  TABLE_ENTRIES,
  type VectorLine,
} from './archive-manifest.ts';
import type { PortabilityContext } from './portability-context.ts';

/** Rows read from the store per query: bounded memory whatever the project's size. */
const PAGE_SIZE = 500;
/** Already-compressed formats are stored as they are; deflating them again only costs time. */
const STORED_TYPES = new Set(['pdf', 'docx', 'xlsx']);

export interface ProjectExport {
  project: ProjectRecord;
  /** The zip, produced while it is read: files and tables stream from disk and the store page by page. */
  stream: Readable;
}

/**
 * Exports a project as one zip (docs/project-archive.md). Each entry is hashed as it is written; the
 * manifest with the hashes and counts is the last entry, so nothing is buffered or read twice.
 */
export async function exportProject(context: PortabilityContext, options: { projectId: number }): Promise<ProjectExport> {
  const { store, files } = context;
  const project = await store.projects.findById(options.projectId);
  if (!project) throw new NotFoundError(`Project ${options.projectId} not found`);
  const activeIndex = await store.vectors.activeIndex(project.id);

  const zip = new yazl.ZipFile();
  const output = new PassThrough();
  zip.outputStream.on('error', (error) => output.destroy(error));
  zip.outputStream.pipe(output);
  zip.on('error', (error: Error) => {
    context.logger.warn({ err: error, projectId: project.id }, 'project export failed');
    output.destroy(error);
  });

  // A download cut short (the client went away) stops the reading: no file stays open, no page is read.
  let current: Readable | undefined;
  let finished = false;
  output.on('close', () => {
    if (finished) return;
    current?.destroy();
    (zip.outputStream as Readable).destroy();
  });
  output.on('end', () => {
    finished = true;
  });

  const entries: ArchiveManifest['entries'] = [];
  const counts: ArchiveManifest['counts'] = { documents: 0, chunks: 0, vectors: 0, chats: 0, messages: 0 };

  /** Adds an entry whose bytes come from `open()` when yazl reaches it, recording size and sha256. */
  function addEntry(path: string, open: () => Readable, compress = true): void {
    zip.addReadStreamLazy(path, { compress, mtime: new Date(project!.updatedAt) }, (callback) => {
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
        flush(done) {
          entries.push({ path, size, sha256: hash.digest('hex') });
          done();
        },
      });
      if (output.destroyed) {
        callback(null, Readable.from([]));
        return;
      }
      const source = open();
      current = source;
      source.on('error', (error) => zip.emit('error', error));
      callback(null, source.pipe(meter));
    });
  }

  function ndjson(lines: () => AsyncGenerator<unknown>): () => Readable {
    return () =>
      Readable.from(
        (async function* () {
          for await (const line of lines()) yield `${JSON.stringify(line)}\n`;
        })(),
      );
  }

  async function* documentLines(): AsyncGenerator<DocumentLine> {
    for (let afterId = 0; ; ) {
      const page = await store.archive.pageDocuments({ projectId: project!.id, afterId, limit: PAGE_SIZE });
      if (page.length === 0) return;
      for (const document of page) {
        afterId = document.id;
        if (!document.storedName || !document.contentHash) continue;
        counts.documents += 1;
        yield {
          ref: document.id,
          filename: document.filename,
          file_type: document.fileType,
          mime_type: document.mimeType,
          file_size: document.fileSize,
          content_hash: document.contentHash,
          // A document still in the queue is re-parsed on import.
          status: document.status === 'processing' ? 'pending' : document.status,
          error_message: document.errorMessage,
          page_count: document.pageCount,
          word_count: document.wordCount,
          doc_metadata: document.docMetadata,
          parsed_metadata: document.parsedMetadata,
          file: fileEntryName(document.id, document.fileType),
          created_at: document.createdAt,
          updated_at: document.updatedAt,
        };
      }
    }
  }

  async function* chunkLines(): AsyncGenerator<ChunkLine> {
    for (let afterId = 0; ; ) {
      const page = await store.archive.pageChunks({ projectId: project!.id, afterId, limit: PAGE_SIZE });
      if (page.length === 0) return;
      for (const chunk of page) {
        afterId = chunk.id;
        counts.chunks += 1;
        yield {
          document: chunk.documentId,
          chunk_index: chunk.chunkIndex,
          content: chunk.content,
          start_char: chunk.startChar,
          end_char: chunk.endChar,
          page: chunk.page,
          heading: chunk.heading,
          sheet: chunk.sheet,
          rows: chunk.rows,
        };
      }
    }
  }

  async function* vectorLines(): AsyncGenerator<VectorLine> {
    if (!activeIndex) return;
    for (let afterChunkId = 0; ; ) {
      const page = await store.archive.pageVectors({ indexId: activeIndex.id, afterChunkId, limit: PAGE_SIZE });
      if (page.length === 0) return;
      for (const vector of page) {
        afterChunkId = vector.chunkId;
        counts.vectors += 1;
        yield { document: vector.documentId, chunk_index: vector.chunkIndex, embedding: encodeEmbedding(vector.embedding) };
      }
    }
  }

  async function* chatLines(): AsyncGenerator<ChatLine> {
    for (let afterId = 0; ; ) {
      const page = await store.archive.pageChats({ projectId: project!.id, afterId, limit: PAGE_SIZE });
      if (page.length === 0) return;
      for (const chat of page) {
        afterId = chat.id;
        counts.chats += 1;
        yield {
          ref: chat.id,
          title: chat.title,
          title_is_custom: chat.titleIsCustom,
          model: chat.model,
          created_at: chat.createdAt,
          updated_at: chat.updatedAt,
        };
      }
    }
  }

  async function* messageLines(): AsyncGenerator<MessageLine> {
    for (let afterId = 0; ; ) {
      const page = await store.archive.pageMessages({ projectId: project!.id, afterId, limit: PAGE_SIZE });
      if (page.length === 0) return;
      for (const message of page) {
        afterId = message.id;
        counts.messages += 1;
        yield {
          ref: message.id,
          parent: message.parentId,
          active: message.active,
          feedback: message.feedback,
          chat: message.chatId,
          role: message.role,
          content: message.content,
          sources: message.sources,
          model_name: message.modelName,
          // An answer still generating is exported as what it is so far.
          status: message.status === 'streaming' ? 'interrupted' : message.status,
          error: message.error,
          created_at: message.createdAt,
          updated_at: message.updatedAt,
        };
      }
    }
  }

  addEntry(TABLE_ENTRIES.documents, ndjson(documentLines));
  addEntry(TABLE_ENTRIES.chunks, ndjson(chunkLines));
  addEntry(TABLE_ENTRIES.vectors, ndjson(vectorLines));
  addEntry(TABLE_ENTRIES.chats, ndjson(chatLines));
  addEntry(TABLE_ENTRIES.messages, ndjson(messageLines));

  // File entries are queued while the documents are paged (yazl keeps only their names); each file
  // is opened when its turn comes, so one descriptor is open at a time.
  void (async () => {
    try {
      for (let afterId = 0; ; ) {
        const page = await store.archive.pageDocuments({ projectId: project.id, afterId, limit: PAGE_SIZE });
        if (page.length === 0) break;
        for (const document of page) {
          afterId = document.id;
          if (!document.storedName || !document.contentHash) continue;
          const filePath = files.pathOf(project.id, document.storedName);
          addEntry(
            fileEntryName(document.id, document.fileType),
            () => fs.createReadStream(filePath),
            !STORED_TYPES.has(document.fileType),
          );
        }
      }
      // Called by yazl after every other entry has been written: the hashes and counts are final.
      zip.addReadStreamLazy(MANIFEST_ENTRY, { mtime: new Date(project.updatedAt) }, (callback) => {
        const manifest: ArchiveManifest = {
          format: ARCHIVE_FORMAT,
          format_version: ARCHIVE_FORMAT_VERSION,
          created_at: new Date().toISOString(),
          app_version: context.appVersion,
          project: { name: project.name, description: project.description, settings: project.settings, created_at: project.createdAt },
          vector_index: activeIndex
            ? { provider: activeIndex.provider, model: activeIndex.model, dimensions: activeIndex.dimensions }
            : null,
          counts,
          entries,
        };
        callback(null, Readable.from([JSON.stringify(manifest, null, 1)]));
      });
      zip.end();
    } catch (error) {
      zip.emit('error', error);
    }
  })();

  return { project, stream: output };
}
