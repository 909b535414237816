import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../errors.ts';
import type { EmbedderChoice } from '../llm/embedder-resolver.ts';
import { isSameModel } from '../models/model-names.ts';
import type { ImportedDocument, ImportedIds, ImportedMessage, ProjectRecord } from '../store/store.ts';
import type { Source } from '../../protocol/source.ts';
import {
  type ArchiveManifest,
  ChatLine,
  ChunkLine,
  decodeEmbedding,
  DocumentLine,
  MessageLine,
  TABLE_ENTRIES,
  VectorLine,
} from './archive-manifest.ts';
import { unpackArchive } from './archive-reader.ts';
import { ArchiveTree } from './archive-tree.ts';
import { parseLine, readLines, readLinesSync } from './ndjson-lines.ts';
import type { PortabilityContext } from './portability-context.ts';

export interface ProjectImportOutcome {
  project: ProjectRecord;
  /** `reused`: the archive's vectors answer at once; `reembedding`: queued for this server's embedder. */
  vectors: 'reused' | 'reembedding' | 'none';
  counts: { documents: number; chunks: number; vectors: number; chats: number; messages: number };
}

/** What the validation pass learned about the documents (a few numbers each, never their text). */
interface DocumentFacts {
  fileType: DocumentLine['file_type'];
  completed: boolean;
  storedName: string;
  file: string;
}

/**
 * Imports an archive as a new project. The archive is unpacked and checked completely first (paths,
 * format version, checksums, every line of every table); only then is the project written, in short
 * batches into a hidden project revealed at the end, and its files moved into place. Any refusal or
 * failure leaves no project and no files, and nobody sees a project half-written.
 * Chunks are taken as they are (no re-parsing); vectors are reused when this server embeds with the
 * same model and dimension, and otherwise the project is queued for re-embedding.
 */
export async function importProject(
  context: PortabilityContext,
  /** `chatsCreatedBy`: the importing user, who owns the imported chats (null without accounts). */
  options: { archivePath: string; name?: string; chatsCreatedBy?: number | null },
): Promise<ProjectImportOutcome> {
  const { store, files, logger } = context;
  const importRows = async (input: Parameters<typeof store.archive.importProject>[0]) => {
    try {
      return await store.archive.importProject(input);
    } catch (error) {
      // The store took the rows back out; a vec0 table it made goes with the orphans.
      await store.vectors.dropOrphanStorage();
      throw error;
    }
  };
  const workDir = path.join(context.tempDir, randomUUID());
  await fs.promises.mkdir(workDir, { recursive: true });
  const started = performance.now();
  const phaseMs: Record<string, number> = {};
  const phaseDone = (name: string, since: number) => {
    phaseMs[name] = Math.round(performance.now() - since);
    return performance.now();
  };
  try {
    let since = started;
    const manifest = await unpackArchive({
      archivePath: options.archivePath,
      targetDir: workDir,
      maxExtractedBytes: context.maxExtractedBytes,
    });
    since = phaseDone('unpack', since);
    const table = (name: keyof typeof TABLE_ENTRIES) => path.join(workDir, TABLE_ENTRIES[name]);
    const documents = await validateTables(manifest, table, (fileType) => files.newStoredName(fileType));
    since = phaseDone('validate', since);

    const reuseVectors = manifest.vector_index ? await embeddingMatches(context, manifest) : undefined;
    const projectSettings = manifest.project.settings;
    since = phaseDone('embedder', since);

    const result = await importRows({
      project: {
        name: options.name ?? manifest.project.name,
        description: manifest.project.description,
        settings: projectSettings,
        onNameClash: options.name ? 'refuse' : 'suffix',
      },
      documents: (function* (): Generator<ImportedDocument> {
        for (const line of readLinesSync(table('documents'))) {
          const document = DocumentLine.parse(JSON.parse(line));
          const facts = documents.get(document.ref)!;
          yield {
            ref: document.ref,
            filename: document.filename,
            fileType: document.file_type,
            mimeType: document.mime_type,
            fileSize: document.file_size,
            storedName: facts.storedName,
            contentHash: document.content_hash,
            status: document.status === 'completed' || document.status === 'failed' ? document.status : 'pending',
            errorMessage: document.error_message,
            pageCount: document.page_count,
            wordCount: document.word_count,
            docMetadata: document.doc_metadata,
            parsedMetadata: document.parsed_metadata,
            createdAt: document.created_at,
            updatedAt: document.updated_at,
          };
        }
      })(),
      chunks: (function* () {
        for (const line of readLinesSync(table('chunks'))) {
          const chunk = ChunkLine.parse(JSON.parse(line));
          yield {
            documentRef: chunk.document,
            chunkIndex: chunk.chunk_index,
            content: chunk.content,
            startChar: chunk.start_char,
            endChar: chunk.end_char,
            page: chunk.page,
            heading: chunk.heading,
            sheet: chunk.sheet,
            rows: chunk.rows,
          };
        }
      })(),
      vectorIndex:
        reuseVectors && manifest.vector_index
          ? {
              provider: reuseVectors.provider,
              model: reuseVectors.model,
              dimensions: manifest.vector_index.dimensions,
              vectors: (function* () {
                const dimensions = manifest.vector_index!.dimensions;
                for (const line of readLinesSync(table('vectors'))) {
                  const vector = VectorLine.parse(JSON.parse(line));
                  yield {
                    documentRef: vector.document,
                    chunkIndex: vector.chunk_index,
                    embedding: decodeEmbedding(vector.embedding, dimensions)!,
                  };
                }
              })(),
            }
          : undefined,
      chatsCreatedBy: options.chatsCreatedBy ?? null,
      chats: (function* () {
        for (const line of readLinesSync(table('chats'))) {
          const chat = ChatLine.parse(JSON.parse(line));
          yield {
            ref: chat.ref,
            title: chat.title,
            titleIsCustom: chat.title_is_custom,
            model: chat.model ?? null,
            createdAt: chat.created_at,
            updatedAt: chat.updated_at,
          };
        }
      })(),
      messages: (ids) =>
        (function* (): Generator<ImportedMessage> {
          const tree = new ArchiveTree();
          for (const line of readLinesSync(table('messages'))) {
            const message = MessageLine.parse(JSON.parse(line));
            yield {
              ...tree.place(message),
              feedback: message.feedback ?? null,
              chatRef: message.chat,
              role: message.role,
              content: message.content,
              sources: message.sources ? message.sources.map((source) => remapSource(source, ids)) : null,
              modelName: message.model_name,
              status: message.status,
              error: message.error,
              createdAt: message.created_at,
              updatedAt: message.updated_at,
            };
          }
        })(),
    });

    since = phaseDone('write', since);
    const projectId = result.projectId;
    try {
      const factsByStoredName = new Map([...documents.values()].map((facts) => [facts.storedName, facts]));
      for (const storedName of result.storedNames.values()) {
        const facts = factsByStoredName.get(storedName)!;
        await files.adopt(path.join(workDir, facts.file), projectId, storedName);
      }
    } catch (error) {
      // The rows are committed but a file could not be moved: take the whole project back out.
      await store.projects.hardDelete(projectId);
      await files.removeProject(projectId);
      await store.vectors.dropOrphanStorage();
      throw error;
    }

    phaseDone('files', since);
    // Queued only now that their files are in place (a crash before this: start-up recovery queues them).
    for (const documentId of result.pendingDocumentIds) await store.jobs.enqueue({ kind: 'parse', projectId, documentId });
    if (result.pendingDocumentIds.length > 0) context.wakeJobs();
    const vectors = reuseVectors ? 'reused' : result.chunks > 0 ? 'reembedding' : 'none';
    if (vectors === 'reembedding') await context.queueEmbedding(projectId);
    const project = (await store.projects.findById(projectId))!;
    context.events.publish({ type: 'projectCreated', projectId });
    logger.info(
      {
        projectId,
        documents: result.documents,
        chunks: result.chunks,
        vectors: result.vectors,
        chats: result.chats,
        messages: result.messages,
        reuse: vectors,
        phaseMs,
      },
      'project imported',
    );
    return {
      project,
      vectors,
      counts: {
        documents: result.documents,
        chunks: result.chunks,
        vectors: result.vectors,
        chats: result.chats,
        messages: result.messages,
      },
    };
  } finally {
    await fs.promises.rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The validation pass: every line of every table parsed by its schema and every reference checked,
 * streaming, before a single row is written. Returns what the write pass needs per document.
 */
async function validateTables(
  manifest: ArchiveManifest,
  table: (name: keyof typeof TABLE_ENTRIES) => string,
  newStoredName: (fileType: string) => string,
): Promise<Map<number, DocumentFacts>> {
  const hashes = new Map(manifest.entries.map((entry) => [entry.path, entry.sha256]));
  const documents = new Map<number, DocumentFacts>();
  const contentHashes = new Set<string>();
  let lineNumber = 0;
  for await (const line of readLines(table('documents'))) {
    const document = parseLine(DocumentLine, line, { table: TABLE_ENTRIES.documents, lineNumber: (lineNumber += 1) });
    if (documents.has(document.ref)) throw new ValidationError(`The project archive lists document ${document.ref} twice`);
    if (contentHashes.has(document.content_hash))
      throw new ValidationError(`The project archive holds the same content twice ('${document.filename}')`);
    if (!document.file.endsWith(`.${document.file_type}`) || !document.file.startsWith(`files/${document.ref}.`)) {
      throw new ValidationError(`The project archive names the wrong file for document ${document.ref}`);
    }
    // The file must be the very content the document was indexed from.
    if (hashes.get(document.file) !== document.content_hash) {
      throw new ValidationError(`The project archive is incomplete or altered: the file of '${document.filename}' is missing or differs`);
    }
    contentHashes.add(document.content_hash);
    documents.set(document.ref, {
      fileType: document.file_type,
      completed: document.status === 'completed',
      storedName: newStoredName(document.file_type),
      file: document.file,
    });
  }

  const lastChunkIndex = new Map<number, number>();
  let chunks = 0;
  lineNumber = 0;
  for await (const line of readLines(table('chunks'))) {
    const chunk = parseLine(ChunkLine, line, { table: TABLE_ENTRIES.chunks, lineNumber: (lineNumber += 1) });
    if (!documents.get(chunk.document)?.completed)
      throw new ValidationError(`The project archive holds a chunk of an unknown or unfinished document (line ${lineNumber} of chunks)`);
    if ((lastChunkIndex.get(chunk.document) ?? -1) >= chunk.chunk_index)
      throw new ValidationError(`The project archive's chunks are out of order (line ${lineNumber} of chunks)`);
    if (chunk.end_char < chunk.start_char)
      throw new ValidationError(`The project archive holds a chunk with bad offsets (line ${lineNumber} of chunks)`);
    lastChunkIndex.set(chunk.document, chunk.chunk_index);
    chunks += 1;
  }

  let vectors = 0;
  lineNumber = 0;
  for await (const line of readLines(table('vectors'))) {
    const vector = parseLine(VectorLine, line, { table: TABLE_ENTRIES.vectors, lineNumber: (lineNumber += 1) });
    if (!manifest.vector_index) throw new ValidationError('The project archive holds vectors but names no embedding model');
    const last = lastChunkIndex.get(vector.document);
    if (last === undefined || vector.chunk_index > last)
      throw new ValidationError(`The project archive holds a vector of an unknown chunk (line ${lineNumber} of vectors)`);
    if (!decodeEmbedding(vector.embedding, manifest.vector_index.dimensions)) {
      throw new ValidationError(
        `The project archive holds a vector that is not ${manifest.vector_index.dimensions} numbers (line ${lineNumber} of vectors)`,
      );
    }
    vectors += 1;
  }

  const chats = new Set<number>();
  lineNumber = 0;
  for await (const line of readLines(table('chats'))) {
    const chat = parseLine(ChatLine, line, { table: TABLE_ENTRIES.chats, lineNumber: (lineNumber += 1) });
    if (chats.has(chat.ref)) throw new ValidationError(`The project archive lists chat ${chat.ref} twice`);
    chats.add(chat.ref);
  }
  let messages = 0;
  lineNumber = 0;
  // Message ref → its chat: a parent must come earlier, in the same chat (the tree stays in one chat).
  const messageChats = new Map<number, number>();
  for await (const line of readLines(table('messages'))) {
    const message = parseLine(MessageLine, line, { table: TABLE_ENTRIES.messages, lineNumber: (lineNumber += 1) });
    if (!chats.has(message.chat))
      throw new ValidationError(`The project archive holds a message of an unknown chat (line ${lineNumber} of messages)`);
    if (message.ref !== undefined) {
      if (messageChats.has(message.ref)) throw new ValidationError(`The project archive lists message ${message.ref} twice`);
      if (message.parent != null && messageChats.get(message.parent) !== message.chat) {
        throw new ValidationError(
          `The project archive's message ${message.ref} has a parent that is not an earlier message of its chat (line ${lineNumber} of messages)`,
        );
      }
      messageChats.set(message.ref, message.chat);
    }
    messages += 1;
  }

  const counted = { documents: documents.size, chunks, vectors, chats: chats.size, messages };
  for (const [key, count] of Object.entries(counted)) {
    if (manifest.counts[key as keyof typeof counted] !== count) {
      throw new ValidationError(
        `The project archive is incomplete: its manifest counts ${manifest.counts[key as keyof typeof counted]} ${key}, it holds ${count}`,
      );
    }
  }
  return documents;
}

/**
 * The embedder this server would use for the imported project, when it is the archive's: same
 * provider, same model, and (when it answers now) the same dimension. Undefined: re-embed.
 */
async function embeddingMatches(context: PortabilityContext, manifest: ArchiveManifest): Promise<EmbedderChoice | undefined> {
  const archived = manifest.vector_index!;
  const override = manifest.project.settings.embedding_model;
  const embeddingModel = typeof override === 'string' && override ? override : (await context.settings.effective()).embeddingModel;
  const choice = context.embedders.choose({ embeddingModel });
  if (!choice || choice.provider !== archived.provider || !isSameModel(choice.model, archived.model)) return undefined;
  try {
    const [probe] = await context.embedders.embedder(choice).embed({ texts: ['dimension probe'], signal: AbortSignal.timeout(10_000) });
    return probe?.length === archived.dimensions ? choice : undefined;
  } catch {
    // Nothing answers now: the same model name is trusted; a later embed of another dimension
    // starts a fresh index version (embeddingIndexFor) rather than failing.
    return choice;
  }
}

/** Points a saved source at the imported document and chunk; a source whose document is gone keeps its text only. */
function remapSource(source: Source, ids: ImportedIds): Source {
  const documentId = ids.documentId(source.metadata.document_id);
  const chunkId = documentId === undefined ? undefined : ids.chunkId(source.metadata.document_id, source.metadata.chunk_index);
  return {
    ...source,
    id: documentId === undefined ? source.id : `${documentId}_chunk_${source.metadata.chunk_index}`,
    metadata: {
      ...source.metadata,
      document_id: documentId ?? 0,
      ...(chunkId === undefined ? { chunk_id: undefined } : { chunk_id: chunkId }),
    },
  };
}
