import type { Source } from '../../protocol/source.ts';
import type { DocumentFileType, DocumentStage, DocumentStatus } from '../../protocol/documents.ts';
import type { MessageRole, MessageStatus } from '../../protocol/messages.ts';
import type { CredentialRepository, ProjectMemberRepository, UserRepository } from './account-store.ts';

/**
 * Persistence behind one interface. `sqlite/` is the embedded default; a PostgreSQL implementation
 * satisfies the same contract (test/store/store.contract.test.ts). Methods are async so that both fit.
 * Records are plain objects in camelCase; presenters in `http/` map them to the wire.
 */
export interface Store {
  projects: ProjectRepository;
  chats: ChatRepository;
  messages: MessageRepository;
  settings: SettingsRepository;
  documents: DocumentRepository;
  chunks: ChunkRepository;
  jobs: JobRepository;
  vectors: VectorRepository;
  /** Paged reads of a whole project and its bulk insert, for one-file export / import. */
  archive: ProjectArchiveRepository;
  /** Paged reads of chunks and their vectors for the analytics views. */
  analytics: AnalyticsRepository;
  /** Storage reports and repairs across all projects (the admin's `/api/maintenance/*`). */
  maintenance: MaintenanceRepository;
  /** Accounts (AUTH_MODE=accounts): users, their sessions and API keys, project memberships. */
  users: UserRepository;
  credentials: CredentialRepository;
  members: ProjectMemberRepository;
  /** Which engine and vector search answer (reported by health). */
  describe(): StoreDescription;
  /** Checks the connection (used by health). */
  ping(): Promise<void>;
  /**
   * Reads the whole stored file for damage (SQLite's quick_check) without blocking the caller's
   * event loop; recent results may be reused. Returns what is wrong, empty when the data is sound.
   */
  checkIntegrity(): Promise<string[]>;
  /** The approximate vector indexes kept beside the store (SQLite: usearch HNSW files), for health; absent where the database has its own. */
  vectorIndexStats?(): Promise<VectorIndexStats | undefined>;
  close(): Promise<void>;
}

/** What the approximate vector indexes hold and cost (all index versions together). */
export interface VectorIndexStats {
  kind: 'hnsw-f16';
  /** Index versions with fewer vectors are searched exactly. */
  minVectors: number;
  /** Versions answered by an index, versions whose index is being built, and versions whose saved index is being verified and loaded (searched exactly meanwhile). */
  indexes: number;
  building: number;
  loading: number;
  vectors: number;
  /** Estimated (usearch reports no allocation): indexes held in the process's own memory. */
  memoryBytes: number;
  /** Estimated: indexes memory-mapped from their files (the OS's file cache, shared and reclaimable). */
  mappedBytes: number;
  fileBytes: number;
}

export interface StoreDescription {
  engine: 'sqlite' | 'postgres';
  /** sqlite-vec (exact, embedded), pgvector (HNSW) or exact search over real[] in PostgreSQL. */
  vectorSearch: 'sqlite-vec' | 'pgvector' | 'exact';
}

export interface ProjectRecord {
  id: number;
  name: string;
  description: string | null;
  settings: Record<string, unknown>;
  documentCount: number;
  chatCount: number;
  totalChunks: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface ProjectStatistics {
  documentCount: number;
  totalChunks: number;
  totalSizeBytes: number;
  chatCount: number;
  messageCount: number;
}

export interface ProjectRepository {
  /** Throws ConflictError when a live project already has this name (case-insensitive). */
  create(input: { name: string; description: string | null; settings: Record<string, unknown> }): Promise<ProjectRecord>;
  findById(id: number, options?: { includeDeleted?: boolean }): Promise<ProjectRecord | undefined>;
  /** `memberUserId`: only the projects this user is a member of. */
  list(options: { skip: number; limit: number; includeDeleted: boolean; memberUserId?: number }): Promise<ProjectRecord[]>;
  /**
   * Throws ConflictError on a duplicate name; returns undefined when the project is gone.
   * `settings` are changes merged key by key into the stored settings (`null` removes a key) in one
   * transaction with the read, so concurrent merges from any process never lose each other's keys;
   * `verify` sees the merged settings inside it and may throw to write nothing.
   */
  update(
    id: number,
    patch: {
      name?: string;
      description?: string | null;
      settings?: Record<string, unknown>;
      verify?: (merged: Record<string, unknown>) => void;
    },
  ): Promise<ProjectRecord | undefined>;
  softDelete(id: number): Promise<boolean>;
  /**
   * Removes the project with its chats, messages, documents and chunks. The project disappears at
   * once (soft-deleted, its index versions retired); its rows then go in short pages, so a big
   * project never holds the event loop or the write lock for long. Their vector storage is freed by
   * `vectors.dropOrphanStorage()`.
   */
  hardDelete(id: number): Promise<boolean>;
  statistics(id: number): Promise<ProjectStatistics>;
}

export interface ChatRecord {
  id: number;
  projectId: number;
  title: string;
  /** False while the title is the default one, so the first question may name the chat. */
  titleIsCustom: boolean;
  /** The user who made it (chats are private to them); null without accounts. */
  createdBy: number | null;
  /** The chat model chosen for this chat; null: the project's (or global) default answers. */
  model: string | null;
  messageCount: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** A chat found by search, with where its newest matching message matched (null: only the title did). */
export interface ChatSearchHit extends ChatRecord {
  match: ChatSearchMatch | null;
}

export interface ChatSearchMatch {
  /** Up to SEARCH_MATCH_WINDOW characters of the message, starting a little before the match. */
  text: string;
  /** Whether the message has text before / after the window. */
  cutBefore: boolean;
  cutAfter: boolean;
}

/** Characters of a matching message the search returns (a snippet is cut from them). */
export const SEARCH_MATCH_WINDOW = 240;
/** How far before the match the window starts. */
export const SEARCH_MATCH_LEAD = 80;

export interface ChatRepository {
  create(input: { projectId: number; title: string; titleIsCustom: boolean; createdBy?: number | null }): Promise<ChatRecord>;
  /** Live chats of live projects only. */
  findById(id: number): Promise<ChatRecord | undefined>;
  /** `createdBy`: only that user's chats (`null`: only chats without a creator). Absent: all. */
  listByProject(options: { projectId: number; skip: number; limit: number; createdBy?: number | null }): Promise<ChatRecord[]>;
  /** Case-insensitive match on the title or on any message's content, with the newest matching message's text around the match. */
  search(options: { projectId: number; query: string; limit: number; createdBy?: number | null }): Promise<ChatSearchHit[]>;
  update(id: number, patch: { title?: string; titleIsCustom?: boolean; model?: string | null }): Promise<ChatRecord | undefined>;
  softDelete(id: number): Promise<boolean>;
}

export type { MessageRole };
export type MessageFeedback = 'up' | 'down';

export interface MessageRecord {
  id: number;
  chatId: number;
  role: MessageRole;
  content: string;
  sources: Source[] | null;
  modelName: string | null;
  status: MessageStatus;
  error: string | null;
  /**
   * The message tree: an answer's parent is its question, a question's the message it follows (null
   * for a chat's first question; an edited question has its original's parent).
   */
  parentId: number | null;
  /** The child shown among its siblings (same parent): the answer version or question branch on the active path. */
  active: boolean;
  /** Thumbs up / down given to an answer. */
  feedback: MessageFeedback | null;
  createdAt: string;
  updatedAt: string;
}

export interface MessageRepository {
  /** Inserts a message and touches its chat and project (`updated_at`). */
  create(input: {
    chatId: number;
    role: MessageRole;
    content: string;
    status: MessageStatus;
    sources?: Source[] | null;
    modelName?: string | null;
    parentId?: number | null;
  }): Promise<MessageRecord>;
  update(
    id: number,
    patch: {
      content?: string;
      status?: MessageStatus;
      error?: string | null;
      sources?: Source[] | null;
      modelName?: string | null;
      parentId?: number | null;
    },
  ): Promise<void>;
  /**
   * Makes one message the active child of its parent (its siblings, the other answer versions or
   * question branches under the same parent, become inactive; for a first question, the chat's other
   * first questions).
   */
  activateVersion(id: number): Promise<void>;
  /** Sets or clears (null) a message's feedback. */
  setFeedback(id: number, feedback: MessageFeedback | null): Promise<void>;
  findById(id: number): Promise<MessageRecord | undefined>;
  listByChat(chatId: number): Promise<MessageRecord[]>;
  /** The latest `limit` messages of a chat with an id below `beforeId`, oldest first. */
  listRecent(options: { chatId: number; beforeId: number; limit: number }): Promise<MessageRecord[]>;
  /** After a crash: every message still `streaming` becomes `interrupted`. Returns how many. */
  interruptStreaming(): Promise<number>;
  /** Answers still `streaming` (several processes: each is checked against its owner's lease). */
  listStreaming(): Promise<Array<{ id: number; chatId: number }>>;
  /** Marks one answer `interrupted` if it is still `streaming` (fenced); true when it was. */
  interruptIfStreaming(id: number): Promise<boolean>;
}

/** Key → JSON value settings (global defaults chosen in the UI). */
export interface SettingsRepository {
  getAll(): Promise<Record<string, unknown>>;
  /**
   * Upserts the keys in one transaction; `verify` sees every stored value with these applied, inside
   * it, and may throw to write nothing (checks that span keys hold across concurrent updates).
   */
  setMany(values: Record<string, unknown>, verify?: (merged: Record<string, unknown>) => void): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Documents, chunks, the ingestion queue and vector indexes
// ---------------------------------------------------------------------------------------------

export type { DocumentStage, DocumentStatus };
export type DocumentFileTypeName = DocumentFileType;

export interface DocumentRecord {
  id: number;
  projectId: number;
  /** The original name, for display and download only. */
  filename: string;
  fileType: DocumentFileTypeName;
  mimeType: string;
  fileSize: number;
  /** Server-generated file name under the project's folder. */
  storedName: string | null;
  contentHash: string | null;
  status: DocumentStatus;
  stage: DocumentStage;
  progress: number;
  errorMessage: string | null;
  pageCount: number | null;
  wordCount: number | null;
  chunkCount: number;
  docMetadata: Record<string, unknown> | null;
  parsedMetadata: Record<string, string> | null;
  embeddingModel: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DocumentRepository {
  /** Throws ConflictError (code `duplicate`) when the project already holds this content hash. */
  create(input: {
    projectId: number;
    filename: string;
    fileType: DocumentFileTypeName;
    mimeType: string;
    fileSize: number;
    storedName: string;
    contentHash: string;
  }): Promise<DocumentRecord>;
  /** Documents of live projects only. */
  findById(id: number): Promise<DocumentRecord | undefined>;
  findByHash(projectId: number, contentHash: string): Promise<DocumentRecord | undefined>;
  list(options: { projectId: number; status?: DocumentStatus; skip: number; limit: number }): Promise<DocumentRecord[]>;
  /** Case-insensitive match on the file name or the user metadata. */
  search(options: { projectId: number; query: string; limit: number }): Promise<DocumentRecord[]>;
  update(id: number, patch: { filename?: string; docMetadata?: Record<string, unknown> | null }): Promise<DocumentRecord | undefined>;
  /** Records processing progress; returns false when the document is gone (deleted meanwhile). */
  setProgress(
    id: number,
    state: { status: DocumentStatus; stage: DocumentStage; progress: number; errorMessage?: string | null },
  ): Promise<boolean>;
  /**
   * Marks a document failed and removes whatever it had indexed (chunks, full-text, vectors) in one
   * transaction: a failed document is never half searchable.
   */
  markFailed(id: number, errorMessage: string): Promise<boolean>;
  /** Deletes the row with its chunks, full-text entries, vectors and jobs, in one transaction. */
  delete(id: number): Promise<DocumentRecord | undefined>;
  /** Pending or processing documents (for startup recovery). */
  listUnfinished(): Promise<DocumentRecord[]>;
  /** Every stored file name of a project (for cleanup). */
  listStoredNames(projectId: number): Promise<string[]>;
}

/** A chunk as produced by the chunker, ready to be stored. */
export interface NewChunk {
  chunkIndex: number;
  content: string;
  /** Its full-text index terms when already analyzed (`analyzedText(content)`, in a parse worker); else the store analyzes. */
  terms?: string;
  startChar: number;
  endChar: number;
  page?: number | null;
  heading?: string | null;
  sheet?: string | null;
  rows?: string | null;
}

export interface ChunkRecord {
  id: number;
  documentId: number;
  projectId: number;
  /** The document's current display name. */
  filename: string;
  chunkIndex: number;
  content: string;
  startChar: number;
  endChar: number;
  page: number | null;
  heading: string | null;
  sheet: string | null;
  rows: string | null;
}

export interface ChunkRepository {
  /**
   * Replaces a document's chunks and their full-text entries (by trigger) in one transaction, drops
   * the old chunks' vectors, and records the counts; the document stays at stage `indexing` until
   * the caller marks it completed. Reprocessing therefore never duplicates, and a crash leaves
   * either the old or the new chunks. Returns the new chunk ids in order, or undefined when the
   * document no longer exists.
   */
  indexDocument(input: {
    documentId: number;
    chunks: NewChunk[];
    pageCount: number | null;
    wordCount: number;
    parsedMetadata: Record<string, string>;
    /** The chunks' vectors (in chunk order), written in the same transaction: a document is indexed whole or not at all. */
    vectors?: { indexId: number; embeddings: ArrayLike<number>[] };
  }): Promise<number[] | undefined>;
  /**
   * BM25 over the project's chunks only, for a natural-language `query` (each store builds its own
   * full-text query from it; user text is never read as query syntax). Higher score is better; empty
   * when the query has no searchable word.
   */
  searchFullText(options: { projectId: number; query: string; limit: number }): Promise<Array<{ chunkId: number; score: number }>>;
  /** Chunks with their document's file name, in the order of `ids`; ids of other projects are skipped. */
  findByIds(projectId: number, ids: number[]): Promise<ChunkRecord[]>;
  countByProject(projectId: number): Promise<number>;
  /** Chunks of completed documents that have no vector in `indexId` yet, oldest first. */
  listMissingVectors(options: {
    projectId: number;
    indexId: number;
    limit: number;
  }): Promise<Array<{ id: number; documentId: number; content: string }>>;
}

export type JobKind = 'parse' | 'embed';

export interface JobRecord {
  id: number;
  kind: JobKind;
  projectId: number;
  documentId: number | null;
  status: 'queued' | 'running' | 'failed';
  attempts: number;
  runAfter: string;
  lockedBy: string | null;
  lockedAt: string | null;
  lastError: string | null;
}

export interface JobRepository {
  /** Queues a job unless the same one is already queued. Returns whether a row was added. */
  enqueue(input: { kind: JobKind; projectId: number; documentId?: number | null; runAfter?: string }): Promise<boolean>;
  /**
   * Atomically takes the oldest due job (never a second job of a document that is already running)
   * and marks it running by `workerId`.
   */
  claim(options: { workerId: string; now: string }): Promise<JobRecord | undefined>;
  heartbeat(options: { workerId: string; now: string }): Promise<void>;
  /** Success: the job row goes away. */
  complete(jobId: number): Promise<void>;
  /** A transient failure: back to the queue, due at `runAfter`. */
  retry(jobId: number, options: { runAfter: string; error: string }): Promise<void>;
  fail(jobId: number, error: string): Promise<void>;
  /**
   * Leases: running jobs whose lease expired (not renewed by `heartbeat` since `lockedBefore`) or
   * whose holder is known dead (`deadHolders`) go back to the queue. Returns how many.
   */
  requeueAbandoned(options: { lockedBefore: string; deadHolders: string[] }): Promise<number>;
  /** The distinct holders of running jobs (so the caller can tell which are dead processes). */
  runningHolders(): Promise<string[]>;
  /** When the next queued job becomes due (ISO), if any. */
  nextDue(): Promise<string | undefined>;
  findRunning(documentId: number): Promise<JobRecord | undefined>;
  hasPending(options: { kind: JobKind; projectId?: number; documentId?: number }): Promise<boolean>;
}

export type EmbeddingIndexStatus = 'building' | 'active' | 'retired';

export interface EmbeddingIndexRecord {
  id: number;
  projectId: number;
  provider: string;
  model: string;
  dimensions: number;
  status: EmbeddingIndexStatus;
  createdAt: string;
  updatedAt: string;
}

export interface VectorRepository {
  activeIndex(projectId: number): Promise<EmbeddingIndexRecord | undefined>;
  /** The live (building or active) index of this embedder in the project. */
  findIndex(options: { projectId: number; provider: string; model: string }): Promise<EmbeddingIndexRecord | undefined>;
  listIndexes(projectId: number): Promise<EmbeddingIndexRecord[]>;
  /**
   * Creates the index row and its vector storage. A live version of the same embedder and dimension
   * (created concurrently by another job or process) is returned instead of a second one.
   */
  createIndex(input: {
    projectId: number;
    provider: string;
    model: string;
    dimensions: number;
    status: 'building' | 'active';
  }): Promise<EmbeddingIndexRecord>;
  /** Makes an index the project's active one; the previous active index is retired and its vectors dropped. */
  activate(indexId: number): Promise<void>;
  retire(indexId: number): Promise<void>;
  /** Stores vectors; chunks deleted meanwhile are skipped. Returns how many were written. */
  insert(options: { indexId: number; items: Array<{ chunkId: number; embedding: ArrayLike<number> }> }): Promise<number>;
  /** Nearest chunks by cosine distance (0 = same direction, 2 = opposite). */
  search(options: { indexId: number; embedding: ArrayLike<number>; limit: number }): Promise<Array<{ chunkId: number; distance: number }>>;
  countVectors(indexId: number): Promise<number>;
  /** Frees the vector storage of index versions that are gone or retired (after a project purge or a crash). Returns how many. */
  dropOrphanStorage(): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// One-file project export / import (src/server/portability/)
// ---------------------------------------------------------------------------------------------

/** A stored vector with the position of its chunk, which is how an archive refers to it. */
export interface ArchiveVectorRecord {
  chunkId: number;
  documentId: number;
  chunkIndex: number;
  embedding: Float32Array;
}

/** A document of an archive; `ref` is its id in the archive (the exporting server's id). */
export interface ImportedDocument {
  ref: number;
  filename: string;
  fileType: DocumentFileTypeName;
  mimeType: string;
  fileSize: number;
  storedName: string;
  contentHash: string;
  /** `completed` lands with its chunks; `failed` keeps its error; `pending` is to be parsed here. */
  status: 'completed' | 'failed' | 'pending';
  errorMessage: string | null;
  pageCount: number | null;
  wordCount: number | null;
  docMetadata: Record<string, unknown> | null;
  parsedMetadata: Record<string, string> | null;
  createdAt: string;
  updatedAt: string;
}

export interface ImportedChunk extends NewChunk {
  documentRef: number;
}

export interface ImportedVector {
  documentRef: number;
  chunkIndex: number;
  embedding: Float32Array;
}

export interface ImportedChat {
  ref: number;
  title: string;
  titleIsCustom: boolean;
  model: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ImportedMessage {
  /** Unique in the archive; a parent is always imported before its children. */
  ref: number;
  parentRef: number | null;
  active: boolean;
  feedback: MessageFeedback | null;
  chatRef: number;
  role: MessageRole;
  content: string;
  sources: Source[] | null;
  modelName: string | null;
  status: MessageStatus;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/** New ids of what the import has written so far, for rewriting references (message sources). */
export interface ImportedIds {
  documentId(ref: number): number | undefined;
  chunkId(documentRef: number, chunkIndex: number): number | undefined;
}

/**
 * Everything of one project, as synchronous iterables read from validated files, never from memory.
 * The import commits completely or not at all as far as anyone can see: the project stays hidden
 * until its last row is written.
 */
export interface ProjectImportInput {
  project: {
    name: string;
    description: string | null;
    settings: Record<string, unknown>;
    /** `suffix`: a taken name becomes "Name (2)", "Name (3)" …; `refuse`: ConflictError. */
    onNameClash: 'suffix' | 'refuse';
  };
  documents: Iterable<ImportedDocument>;
  chunks: Iterable<ImportedChunk>;
  /** Vectors to keep as the project's active index version (created here, same model and dimension). */
  vectorIndex?: { provider: string; model: string; dimensions: number; vectors: Iterable<ImportedVector> };
  chats: Iterable<ImportedChat>;
  /** Who the imported chats belong to (chats are private to their creator): the importing user; null without accounts. */
  chatsCreatedBy?: number | null;
  messages: (ids: ImportedIds) => Iterable<ImportedMessage>;
}

export interface ProjectImportResult {
  projectId: number;
  /** New document id → its stored name, to move the files into place after the commit. */
  storedNames: Map<number, string>;
  documents: number;
  chunks: number;
  vectors: number;
  chats: number;
  messages: number;
  /** Documents still to parse (not completed in the archive): the caller queues them once their files are in place. */
  pendingDocumentIds: number[];
}

export interface ProjectArchiveRepository {
  /** Documents of a project by ascending id, after `afterId`. */
  pageDocuments(options: { projectId: number; afterId: number; limit: number }): Promise<DocumentRecord[]>;
  /** Chunks of a project's completed documents by ascending id, after `afterId`. */
  pageChunks(options: { projectId: number; afterId: number; limit: number }): Promise<ChunkRecord[]>;
  /** Vectors of an index version by ascending chunk id, after `afterChunkId`. */
  pageVectors(options: { indexId: number; afterChunkId: number; limit: number }): Promise<ArchiveVectorRecord[]>;
  /** Live chats of a project by ascending id. */
  pageChats(options: { projectId: number; afterId: number; limit: number }): Promise<ChatRecord[]>;
  /** Messages of a project's live chats by ascending id. */
  pageMessages(options: { projectId: number; afterId: number; limit: number }): Promise<MessageRecord[]>;
  /**
   * Writes a whole project (chunks reach the full-text index by trigger) into a project no listing
   * or lookup sees until the end; on failure its rows are removed again (its vec0 table is left to
   * `vectors.dropOrphanStorage`). A crash mid-way leaves it hidden: see `unfinishedImports`.
   */
  importProject(input: ProjectImportInput): Promise<ProjectImportResult>;
  /**
   * Projects an import began and never finished (a crash): start-up recovery removes them.
   * `notUpdatedSince`: only those not written to since then (processes sharing the database leave a
   * live peer's import alone).
   */
  unfinishedImports(options?: { notUpdatedSince?: string }): Promise<number[]>;
}

// ---------------------------------------------------------------------------------------------
// Analytics (src/server/analytics/)
// ---------------------------------------------------------------------------------------------

export interface AnalyticsRepository {
  /** Chunks of a project's completed documents by ascending id after `afterId`, optionally of some documents only. */
  pageChunks(options: { projectId: number; documentIds?: number[]; afterId: number; limit: number }): Promise<ChunkRecord[]>;
  /** One page of the chunk table (completed documents, by document then position) and how many match in all. */
  searchChunks(options: {
    projectId: number;
    documentId?: number;
    /** Case-insensitive substring of the text or the file name. */
    text?: string;
    skip: number;
    limit: number;
  }): Promise<{ chunks: ChunkRecord[]; total: number }>;
  /** The stored vectors of these chunks in an index version; chunks without one are left out. */
  findVectors(options: { indexId: number; chunkIds: number[] }): Promise<Map<number, Float32Array>>;
}

// ---------------------------------------------------------------------------------------------
// Maintenance (src/server/maintenance/)
// ---------------------------------------------------------------------------------------------

/** A live index version (building or active) and how many vectors it holds. */
export interface VectorStorageRecord {
  indexId: number;
  projectId: number;
  projectName: string | null;
  provider: string;
  model: string;
  dimensions: number;
  status: EmbeddingIndexRecord['status'];
  vectors: number;
}

/** Stored vectors nothing uses: of chunks that are gone, and of index versions retired or gone. */
export interface OrphanVectorCount {
  /** Vectors in live indexes whose chunk no longer exists in that index's project. */
  vectors: number;
  /** Index versions (retired or gone) whose vector storage is still there, and the vectors in it. */
  indexes: number;
  indexVectors: number;
  /** The floats those vectors hold, at 4 bytes each (where the dimension is still known). */
  bytes: number;
}

/** One project's counts before and after a recount (deleted projects too). */
export interface ChunkRecount {
  projectId: number;
  projectName: string;
  deleted: boolean;
  documentCount: number;
  /** The sum of its documents' stored chunk counts, before and after setting each to its chunks' count. */
  oldChunkCount: number;
  newChunkCount: number;
}

export interface MaintenanceRepository {
  vectorStorage(): Promise<VectorStorageRecord[]>;
  countOrphanVectors(): Promise<OrphanVectorCount>;
  /** Deletes what `countOrphanVectors` counts; returns what it deleted. */
  removeOrphanVectors(): Promise<OrphanVectorCount>;
  /** Sets every document's stored chunk count to the number of its chunks; returns each project's totals. */
  recountChunks(): Promise<ChunkRecount[]>;
  /** Every project id, deleted ones too (a stored file of any other id is an orphan). */
  projectIds(): Promise<number[]>;
}
