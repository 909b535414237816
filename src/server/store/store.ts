import type { Source } from '../../protocol/source.ts';
import type { MessageStatus } from '../../protocol/rest.ts';

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
  /** Checks the connection (used by health). */
  ping(): Promise<void>;
  close(): Promise<void>;
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
  create(input: {
    name: string;
    description: string | null;
    settings: Record<string, unknown>;
  }): Promise<ProjectRecord>;
  findById(id: number, options?: { includeDeleted?: boolean }): Promise<ProjectRecord | undefined>;
  list(options: { skip: number; limit: number; includeDeleted: boolean }): Promise<ProjectRecord[]>;
  /** Throws ConflictError on a duplicate name; returns undefined when the project is gone. */
  update(
    id: number,
    patch: { name?: string; description?: string | null; settings?: Record<string, unknown> },
  ): Promise<ProjectRecord | undefined>;
  softDelete(id: number): Promise<boolean>;
  /** Removes the project and, by cascade, its chats, messages, documents and chunks. */
  hardDelete(id: number): Promise<boolean>;
  statistics(id: number): Promise<ProjectStatistics>;
}

export interface ChatRecord {
  id: number;
  projectId: number;
  title: string;
  /** False while the title is the default one, so the first question may name the chat. */
  titleIsCustom: boolean;
  messageCount: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface ChatRepository {
  create(input: { projectId: number; title: string; titleIsCustom: boolean }): Promise<ChatRecord>;
  /** Live chats of live projects only. */
  findById(id: number): Promise<ChatRecord | undefined>;
  listByProject(options: { projectId: number; skip: number; limit: number }): Promise<ChatRecord[]>;
  /** Case-insensitive match on the title or on any message's content. */
  search(options: { projectId: number; query: string; limit: number }): Promise<ChatRecord[]>;
  update(id: number, patch: { title?: string; titleIsCustom?: boolean }): Promise<ChatRecord | undefined>;
  softDelete(id: number): Promise<boolean>;
}

export type MessageRole = 'user' | 'assistant' | 'system';

export interface MessageRecord {
  id: number;
  chatId: number;
  role: MessageRole;
  content: string;
  sources: Source[] | null;
  modelName: string | null;
  status: MessageStatus;
  error: string | null;
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
  }): Promise<MessageRecord>;
  update(
    id: number,
    patch: {
      content?: string;
      status?: MessageStatus;
      error?: string | null;
      sources?: Source[] | null;
      modelName?: string | null;
    },
  ): Promise<void>;
  findById(id: number): Promise<MessageRecord | undefined>;
  listByChat(chatId: number): Promise<MessageRecord[]>;
  /** The latest `limit` messages of a chat with an id below `beforeId`, oldest first. */
  listRecent(options: { chatId: number; beforeId: number; limit: number }): Promise<MessageRecord[]>;
  /** After a crash: every message still `streaming` becomes `interrupted`. Returns how many. */
  interruptStreaming(): Promise<number>;
}

/** Key → JSON value settings (global defaults chosen in the UI). */
export interface SettingsRepository {
  getAll(): Promise<Record<string, unknown>>;
  setMany(values: Record<string, unknown>): Promise<void>;
}
