import type { ChatSummary } from '../../protocol/socket-events.ts';
import type { ChatRecord } from '../store/store.ts';

/** How often at most a project's chat lists hear `chats_updated` (the first change of a quiet spell goes at once). */
export const CHAT_LIST_INTERVAL_MS = 250;

interface ProjectState {
  pending: Set<number>;
  timer?: NodeJS.Timeout;
  lastFlushAt: number;
}

/**
 * Coalesces the chat-list changes of each project: every answer changes its chat's title, message
 * count and order two or three times, and a project's room (every open project page) needs only the
 * latest summary of each changed chat, a few times a second at most, however many answers stream.
 * Memory is bounded by the chats changed within one interval; a project with nothing pending is forgotten.
 */
export class ChatListSummaries {
  private readonly projects = new Map<number, ProjectState>();
  private closed = false;

  constructor(
    private readonly options: {
      /** The chats as they are now (deleted ones left out: `chat_deleted` tells the lists). */
      load(chatIds: number[]): Promise<ChatRecord[]>;
      /** Sends one project's changed chats to the lists that may show them. */
      send(projectId: number, chats: ChatRecord[]): void;
      onError(error: unknown): void;
      intervalMs?: number;
    },
  ) {}

  /** A chat's summary changed. */
  mark(projectId: number, chatId: number): void {
    if (this.closed) return;
    let state = this.projects.get(projectId);
    if (!state) {
      state = { pending: new Set(), lastFlushAt: 0 };
      this.projects.set(projectId, state);
    }
    state.pending.add(chatId);
    if (state.timer) return;
    const interval = this.options.intervalMs ?? CHAT_LIST_INTERVAL_MS;
    const delay = Math.max(0, state.lastFlushAt + interval - Date.now());
    state.timer = setTimeout(() => this.flush(projectId), delay);
  }

  private flush(projectId: number): void {
    const state = this.projects.get(projectId);
    if (!state) return;
    const chatIds = [...state.pending];
    state.pending.clear();
    state.timer = undefined;
    state.lastFlushAt = Date.now();
    // Kept one interval after the flush so that the next change waits for it; then forgotten.
    setTimeout(() => {
      const current = this.projects.get(projectId);
      if (current && !current.timer && current.pending.size === 0) this.projects.delete(projectId);
    }, this.options.intervalMs ?? CHAT_LIST_INTERVAL_MS).unref();
    if (chatIds.length === 0) return;
    this.options.load(chatIds).then(
      (chats) => {
        const live = chats.filter((chat) => chat.deletedAt === null && chat.projectId === projectId);
        if (live.length > 0 && !this.closed) this.options.send(projectId, live);
      },
      (error: unknown) => this.options.onError(error),
    );
  }

  /** Stops the timers (server shutdown); pending summaries are dropped. */
  close(): void {
    this.closed = true;
    for (const state of this.projects.values()) clearTimeout(state.timer);
    this.projects.clear();
  }
}

/** A chat as the chat list shows it. */
export function chatSummary(chat: ChatRecord): ChatSummary {
  return { chat_id: chat.id, title: chat.title, updated_at: chat.updatedAt, message_count: chat.messageCount };
}
