import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ErrorEvent,
  MessageCompleteEvent,
  RegenerateMessagePayload,
  EditMessagePayload,
  ContinueMessagePayload,
  SendMessagePayload,
  ServerToClientEvents,
} from '../../protocol/socket-events.ts';
import type { Source } from '../../protocol/source.ts';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * What the user is told about the link to the server. `connecting` before the first connection,
 * `reconnecting` while the Manager retries (it never gives up), `disconnected` when it stopped trying
 * (closed by the app, or refused by the server's authentication).
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** One chat's answer events, already filtered by `chat_id` and de-duplicated by `seq`. */
export type ChatStreamEvent =
  | { type: 'received'; userMessageId: number }
  | { type: 'sources'; sources: Source[] }
  | { type: 'token'; token: string; seq: number; messageId: number }
  | { type: 'complete'; complete: MessageCompleteEvent }
  | { type: 'error'; message: string; code?: string; messageId?: number }
  /** A `resume_message` found nothing to resume (the answer ended too long ago): reload the history. */
  | { type: 'resume-failed'; message: string }
  /**
   * The connection dropped after a question was emitted but before the server confirmed it: it may
   * or may not have arrived. Resuming could replay an older answer of the chat, so the page checks
   * the saved history instead.
   */
  | { type: 'unconfirmed' };

export type ChatStreamListener = (event: ChatStreamEvent) => void;

interface TrackedStream {
  /** The last token `seq` handed to listeners; resumes ask for what comes after it. */
  lastSeq: number;
  /** A `resume_message` is in flight; an error before any event means there is nothing to resume. */
  resuming: boolean;
  /** The server has answered for this question at least once (`message_received` or later). */
  confirmed: boolean;
}

export interface ConnectionManagerOptions {
  /** Server origin; default: the page's own origin. */
  url?: string;
  /** Sent as `auth.token` (clients outside the web app; the web app's handshake carries its session cookie). */
  token?: string;
  /** First reconnection delay in ms; it doubles (with jitter) up to `reconnectionDelayMax`. */
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  /** Extra socket.io-client options (tests pass `transports`, `forceNew`). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

/**
 * The one Socket.IO connection of a browser tab and what must survive its drops:
 * - the status comes from the Manager's events (`reconnect_attempt`, `reconnect_error`), which is
 *   where socket.io-client ≥ 3 emits them (the original listened on the Socket and never saw them);
 * - reconnection never gives up, with exponential backoff and jitter, also after a server-side kick;
 * - after every (re)connection it rejoins the project room and resumes every answer that was
 *   streaming with `resume_message {chat_id, after_seq}`, and drops tokens it already delivered,
 *   so listeners see each token exactly once;
 * - nothing is emitted while offline: callers get `false` and keep the user's text.
 */
export class ConnectionManager {
  readonly socket: AppSocket;
  private statusValue: ConnectionStatus = 'connecting';
  private lastErrorValue: string | null = null;
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private readonly roomClaims = new Map<number, number>();
  private currentProjectId: number | null = null;
  /** The chat this tab shows (its room hears another tab's question, a rename, a delete). */
  private currentChatId: number | null = null;
  private readonly streams = new Map<number, TrackedStream>();
  private readonly chatListeners = new Map<number, Set<ChatStreamListener>>();
  private readonly stopRequested = new Set<number>();
  private kickTimer: ReturnType<typeof setTimeout> | undefined;
  private roomTimer: ReturnType<typeof setTimeout> | undefined;
  private kickAttempts = 0;
  private closed = false;
  private readonly delay: number;
  private readonly delayMax: number;

  constructor(options: ConnectionManagerOptions = {}) {
    this.delay = options.reconnectionDelay ?? 500;
    this.delayMax = options.reconnectionDelayMax ?? 10_000;
    const socketOptions: Partial<ManagerOptions & SocketOptions> = {
      path: '/socket.io',
      autoConnect: false,
      reconnection: true,
      reconnectionAttempts: Number.POSITIVE_INFINITY,
      reconnectionDelay: this.delay,
      reconnectionDelayMax: this.delayMax,
      randomizationFactor: 0.5,
      ...(options.token ? { auth: { token: options.token } } : {}),
      ...options.socketOptions,
    };
    this.socket = options.url ? io(options.url, socketOptions) : io(socketOptions);
    this.wireConnection();
    this.wireChatEvents();
    this.socket.connect();
  }

  get status(): ConnectionStatus {
    return this.statusValue;
  }

  /** Why the last connection attempt failed, for the indicator's tooltip. */
  get lastError(): string | null {
    return this.lastErrorValue;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Calls `listener` now and on every change; returns the unsubscribe function. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.statusValue);
    return () => this.statusListeners.delete(listener);
  }

  /** Typed `socket.on` that returns its own cleanup. */
  on<Event extends keyof ServerToClientEvents>(event: Event, listener: ServerToClientEvents[Event]): () => void {
    (this.socket.on as (name: string, fn: unknown) => void)(event, listener);
    return () => (this.socket.off as (name: string, fn: unknown) => void)(event, listener);
  }

  /**
   * Claims the project room for a component; the room is (re)joined on every connection until the
   * last claim is released. A connection holds one room, so the newest claim wins. Releases are
   * applied a tick later, so moving between two pages of the same project does not leave and rejoin.
   */
  joinProject(projectId: number): () => void {
    this.roomClaims.set(projectId, (this.roomClaims.get(projectId) ?? 0) + 1);
    clearTimeout(this.roomTimer);
    this.roomTimer = undefined;
    if (this.currentProjectId !== projectId) {
      this.currentProjectId = projectId;
      if (this.socket.connected) this.socket.emit('join_project', { project_id: projectId });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const remaining = (this.roomClaims.get(projectId) ?? 1) - 1;
      if (remaining > 0) this.roomClaims.set(projectId, remaining);
      else this.roomClaims.delete(projectId);
      clearTimeout(this.roomTimer);
      this.roomTimer = setTimeout(() => this.settleRoom(), 0);
    };
  }

  /** After releases: stay, move to the newest remaining claim, or leave. */
  private settleRoom(): void {
    this.roomTimer = undefined;
    const current = this.currentProjectId;
    if (current !== null && this.roomClaims.has(current)) return;
    const next = [...this.roomClaims.keys()].at(-1) ?? null;
    this.currentProjectId = next;
    if (!this.socket.connected) return;
    if (next !== null) this.socket.emit('join_project', { project_id: next });
    else if (current !== null) this.socket.emit('leave_project', { project_id: current });
  }

  get projectId(): number | null {
    return this.currentProjectId;
  }

  /**
   * Shows a chat: the connection joins its room (rejoined on every connection) until released. One
   * chat per tab; the newest call wins.
   */
  showChat(chatId: number): () => void {
    if (this.currentChatId !== chatId) {
      this.currentChatId = chatId;
      if (this.socket.connected) this.socket.emit('join_chat', { chat_id: chatId });
    }
    return () => {
      if (this.currentChatId !== chatId) return;
      this.currentChatId = null;
      if (this.socket.connected) this.socket.emit('leave_chat', { chat_id: chatId });
    };
  }

  /** Listens to one chat's answer events. */
  subscribeChat(chatId: number, listener: ChatStreamListener): () => void {
    let listeners = this.chatListeners.get(chatId);
    if (!listeners) {
      listeners = new Set();
      this.chatListeners.set(chatId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.chatListeners.delete(chatId);
    };
  }

  /** Sends a question. Returns false (and sends nothing) while offline, so the caller keeps the text. */
  sendMessage(payload: SendMessagePayload): boolean {
    if (!this.socket.connected) return false;
    const chatId = Number(payload.chat_id);
    this.streams.set(chatId, { lastSeq: 0, resuming: false, confirmed: false });
    this.stopRequested.delete(chatId);
    this.socket.emit('send_message', payload);
    return true;
  }

  /** Answers a question again (a new version of its turn); false while offline, like `sendMessage`. */
  regenerate(payload: RegenerateMessagePayload): boolean {
    return this.startAnswer('regenerate_message', payload);
  }

  /** Sends an edited question (a new branch); false while offline, like `sendMessage`. */
  editMessage(payload: EditMessagePayload): boolean {
    return this.startAnswer('edit_message', payload);
  }

  /** Asks the model to go on writing a stopped answer; false while offline, like `sendMessage`. */
  continueMessage(payload: ContinueMessagePayload): boolean {
    return this.startAnswer('continue_message', payload);
  }

  /** Every answer this tab starts is tracked the same way, so a dropped connection resumes it. */
  private startAnswer(
    event: 'regenerate_message' | 'edit_message' | 'continue_message',
    payload: RegenerateMessagePayload | EditMessagePayload | ContinueMessagePayload,
  ): boolean {
    if (!this.socket.connected) return false;
    const chatId = Number(payload.chat_id);
    this.streams.set(chatId, { lastSeq: 0, resuming: false, confirmed: false });
    this.stopRequested.delete(chatId);
    (this.socket.emit as (name: string, data: unknown) => void)(event, payload);
    return true;
  }

  /** Asks the server to stop the answer streaming in a chat; it is saved as stopped. */
  stopGeneration(chatId: number): boolean {
    if (!this.socket.connected) return false;
    this.stopRequested.add(chatId);
    this.socket.emit('stop_generation', { chat_id: chatId });
    return true;
  }

  /**
   * Follows an answer this tab did not start (a reload in the middle of an answer, another tab's
   * question): replays it from `afterSeq`, then live. Sent now if connected, else on connection.
   */
  resume(chatId: number, afterSeq = 0): void {
    const stream = this.streams.get(chatId) ?? { lastSeq: afterSeq, resuming: false, confirmed: true };
    this.streams.set(chatId, stream);
    if (this.socket.connected) this.emitResume(chatId, stream);
  }

  /** Whether an answer in this chat is being followed. */
  isStreaming(chatId: number): boolean {
    return this.streams.has(chatId);
  }

  /** The last `seq` delivered for a chat (0 when none). */
  lastSeq(chatId: number): number {
    return this.streams.get(chatId)?.lastSeq ?? 0;
  }

  /** Retries at once instead of waiting for the next backoff step (the banner's "Retry now"). */
  reconnectNow(): void {
    if (this.closed || this.socket.connected) return;
    clearTimeout(this.kickTimer);
    this.socket.disconnect();
    this.socket.connect();
    this.setStatus('reconnecting');
  }

  /** Closes the connection for good (tests, page teardown). */
  close(): void {
    this.closed = true;
    clearTimeout(this.kickTimer);
    clearTimeout(this.roomTimer);
    this.socket.disconnect();
    this.setStatus('disconnected');
  }

  private wireConnection(): void {
    const manager = this.socket.io;
    this.socket.on('connect', () => {
      this.kickAttempts = 0;
      this.lastErrorValue = null;
      this.setStatus('connected');
      if (this.currentProjectId !== null) this.socket.emit('join_project', { project_id: this.currentProjectId });
      if (this.currentChatId !== null) this.socket.emit('join_chat', { chat_id: this.currentChatId });
      for (const [chatId, stream] of [...this.streams]) {
        if (stream.confirmed) {
          this.emitResume(chatId, stream);
        } else {
          this.streams.delete(chatId);
          this.dispatch(chatId, { type: 'unconfirmed' });
        }
      }
    });
    this.socket.on('disconnect', (reason) => {
      if (this.closed || reason === 'io client disconnect') {
        this.setStatus('disconnected');
        return;
      }
      this.setStatus('reconnecting');
      // After a server-side disconnect socket.io-client does not retry by itself; we do, with backoff.
      if (reason === 'io server disconnect') this.scheduleKickReconnect();
    });
    this.socket.on('connect_error', (error) => {
      this.lastErrorValue = error.message;
      // `active` is false when the server's middleware refused us (bad token): retrying cannot help.
      if (!this.socket.active) this.setStatus('disconnected');
    });
    manager.on('reconnect_attempt', () => {
      if (!this.closed) this.setStatus('reconnecting');
    });
    manager.on('reconnect_error', (error) => {
      this.lastErrorValue = error.message;
      if (!this.closed) this.setStatus('reconnecting');
    });
    manager.on('reconnect_failed', () => this.setStatus('disconnected'));
  }

  private scheduleKickReconnect(): void {
    clearTimeout(this.kickTimer);
    const base = Math.min(this.delayMax, this.delay * 2 ** this.kickAttempts);
    const wait = base * (0.5 + Math.random());
    this.kickAttempts += 1;
    this.kickTimer = setTimeout(() => {
      if (!this.closed && !this.socket.connected) this.socket.connect();
    }, wait);
  }

  private emitResume(chatId: number, stream: TrackedStream): void {
    stream.resuming = true;
    this.socket.emit('resume_message', { chat_id: chatId, after_seq: stream.lastSeq });
  }

  private wireChatEvents(): void {
    const socket = this.socket;
    const settle = (chatId: number) => {
      const stream = this.streams.get(chatId);
      if (stream) {
        stream.resuming = false;
        stream.confirmed = true;
      }
      return stream;
    };
    socket.on('message_received', (event) => {
      settle(event.chat_id);
      this.dispatch(event.chat_id, { type: 'received', userMessageId: event.user_message_id });
    });
    socket.on('message_sources', (event) => {
      settle(event.chat_id);
      this.dispatch(event.chat_id, { type: 'sources', sources: event.sources });
    });
    socket.on('message_token', (event) => {
      let stream = settle(event.chat_id);
      if (!stream) {
        stream = { lastSeq: 0, resuming: false, confirmed: true };
        this.streams.set(event.chat_id, stream);
      }
      // A token at or below the last delivered seq is a replay we already showed.
      if (typeof event.seq === 'number') {
        if (event.seq <= stream.lastSeq) return;
        stream.lastSeq = event.seq;
      }
      this.dispatch(event.chat_id, { type: 'token', token: event.token, seq: event.seq, messageId: event.message_id });
    });
    socket.on('message_complete', (event) => {
      this.streams.delete(event.chat_id);
      this.stopRequested.delete(event.chat_id);
      this.dispatch(event.chat_id, { type: 'complete', complete: event });
    });
    socket.on('error', (event: ErrorEvent) => {
      if (event.chat_id === undefined) return;
      const chatId = event.chat_id;
      const stream = this.streams.get(chatId);
      if (stream?.resuming) {
        this.streams.delete(chatId);
        this.dispatch(chatId, { type: 'resume-failed', message: event.message });
        return;
      }
      // "Nothing to stop": the answer ended while the stop request travelled. Not worth an alarm.
      if (this.stopRequested.has(chatId) && event.code === 'not_found') {
        this.stopRequested.delete(chatId);
        return;
      }
      this.streams.delete(chatId);
      this.dispatch(chatId, { type: 'error', message: event.message, code: event.code, messageId: event.message_id });
    });
  }

  private dispatch(chatId: number, event: ChatStreamEvent): void {
    for (const listener of [...(this.chatListeners.get(chatId) ?? [])]) listener(event);
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.statusValue) return;
    this.statusValue = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}
