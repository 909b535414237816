import { z } from 'zod';
import type { DocumentStage, DocumentStatus } from './documents.ts';
import { Id } from './ids.ts';
import { MAX_MESSAGE_CHARS } from './limits.ts';
import type { MessageFinish } from './messages.ts';
import type { ModelPullProgress } from './models.ts';
import type { Source } from './source.ts';

export { MAX_MESSAGE_CHARS };
export type { DocumentStage, MessageFinish };

// ---------------------------------------------------------------------------------------------
// Client → server payloads. One schema each: it validates, types and documents the payload.
// Strict: unknown keys (including `__proto__`) are refused with a clear message.
// ---------------------------------------------------------------------------------------------

export const JoinProjectPayload = z.strictObject({ project_id: Id });
export type JoinProjectPayload = z.infer<typeof JoinProjectPayload>;

export const LeaveProjectPayload = z.strictObject({ project_id: Id });
export type LeaveProjectPayload = z.infer<typeof LeaveProjectPayload>;

/**
 * **ext** Shows a chat: the connection joins that chat's room (one per connection, like the project
 * room) and hears its per-chat `project_update`s (`message_added`, `chat_updated`, `chat_deleted`).
 * `send_message` and the other answer events join it too.
 */
export const JoinChatPayload = z.strictObject({ chat_id: Id });
export type JoinChatPayload = z.infer<typeof JoinChatPayload>;

export const LeaveChatPayload = z.strictObject({ chat_id: Id });
export type LeaveChatPayload = z.infer<typeof LeaveChatPayload>;

/** Generation options shared by `send_message` and `POST /api/chats/{id}/messages`. */
export const GenerationOptions = {
  model: z.string().trim().min(1).max(200).optional(),
  temperature: z.number().min(0).max(2).optional(),
  include_history: z.boolean().optional(),
  top_k: z.number().int().min(1).max(50).optional(),
  max_tokens: z.number().int().min(1).max(32_768).optional(),
  history_length: z.number().int().min(0).max(50).optional(),
};

export const SendMessagePayload = z.strictObject({
  chat_id: Id,
  message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
  ...GenerationOptions,
});
export type SendMessagePayload = z.infer<typeof SendMessagePayload>;

/**
 * **ext** Answers a question again: `message_id` is the answer to replace (or its question). The new
 * answer is another version of that turn; the events are `send_message`'s.
 */
export const RegenerateMessagePayload = z.strictObject({
  chat_id: Id,
  message_id: Id,
  ...GenerationOptions,
});
export type RegenerateMessagePayload = z.infer<typeof RegenerateMessagePayload>;

/**
 * **ext** Edits a question: the new text is sent as a sibling of the question `message_id` (a new
 * branch of the conversation from there, shown from now on; the old branch stays), and answered.
 * The events are `send_message`'s, with `received` naming the new question.
 */
export const EditMessagePayload = z.strictObject({
  chat_id: Id,
  message_id: Id,
  message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
  ...GenerationOptions,
});
export type EditMessagePayload = z.infer<typeof EditMessagePayload>;

/**
 * **ext** Continues an answer that stopped (Stop, interrupted, failed, cut at a limit): the model
 * goes on writing the same message. The events are `send_message`'s for that message; its first
 * `message_token` (seq 1) is the text it already had, so its tokens always add up to the whole.
 */
export const ContinueMessagePayload = z.strictObject({
  chat_id: Id,
  message_id: Id,
  ...GenerationOptions,
});
export type ContinueMessagePayload = z.infer<typeof ContinueMessagePayload>;

export const StopGenerationPayload = z.strictObject({ chat_id: Id });
export type StopGenerationPayload = z.infer<typeof StopGenerationPayload>;

export const ResumeMessagePayload = z.strictObject({
  chat_id: Id,
  /** The last `seq` the client rendered; 0 when it has none. */
  after_seq: z.number().int().min(0).default(0),
});
export type ResumeMessagePayload = z.infer<typeof ResumeMessagePayload>;

/** `ping` takes anything small; it is echoed back in `pong.echo`. */
export const PingPayload = z.unknown();

/** The schema for each client event, by event name. */
export const clientEventSchemas = {
  join_project: JoinProjectPayload,
  leave_project: LeaveProjectPayload,
  join_chat: JoinChatPayload,
  leave_chat: LeaveChatPayload,
  send_message: SendMessagePayload,
  regenerate_message: RegenerateMessagePayload,
  edit_message: EditMessagePayload,
  continue_message: ContinueMessagePayload,
  stop_generation: StopGenerationPayload,
  resume_message: ResumeMessagePayload,
  ping: PingPayload,
} as const;

// ---------------------------------------------------------------------------------------------
// Server → client payloads (the seed's shapes plus additive extensions).
// ---------------------------------------------------------------------------------------------

export interface ConnectionStatusEvent {
  status: 'connected';
  sid: string;
  connected_at: string;
}

export interface ProjectJoinedEvent {
  project_id: number;
  status: 'success';
}

/** `leave_project` answered (`status`), or the server took the socket out (`reason`: the user lost access). */
export type ProjectLeftEvent = { project_id: number; status: 'success' } | { project_id: number; reason: 'access_revoked' };

/** **ext** `join_chat` / `leave_chat` answered. */
export interface ChatJoinedEvent {
  chat_id: number;
  status: 'success';
}

export type ChatLeftEvent = ChatJoinedEvent;

export interface MessageReceivedEvent {
  chat_id: number;
  status: 'processing';
  user_message_id: number;
}

export interface MessageSourcesEvent {
  chat_id: number;
  sources: Source[];
}

export interface MessageTokenEvent {
  chat_id: number;
  token: string;
  /** 1, 2, 3 … per generation; a resuming client passes the last one it saw. */
  seq: number;
  message_id: number;
}

export interface MessageCompleteEvent {
  chat_id: number;
  /** Id of the saved assistant message (saved before this event is sent). */
  message_id: number;
  metadata: {
    model: string;
    sources_count: number;
    stopped: boolean;
    status: MessageFinish;
    tokens: number;
    /**
     * **ext** Present when the server cut the answer at its own cap, because the model went past
     * `max_tokens` (`max_tokens`) or the answer ran past `ANSWER_MAX_SECONDS` (`max_time`).
     */
    truncated?: 'max_tokens' | 'max_time';
  };
}

export interface ErrorEvent {
  message: string;
  chat_id?: number;
  /** Machine-readable reason: validation, not_found, busy, llm_unavailable, llm_error, internal … */
  code?: string;
  /** **ext** The saved (failed) answer, when the failure came after it was created. */
  message_id?: number;
}

export interface PongEvent {
  /** Epoch milliseconds (the original sent a monotonic clock). */
  timestamp: number;
  echo?: unknown;
}

export interface DocumentStatusEvent {
  document_id: number;
  project_id: number;
  status: DocumentStatus;
  progress: number;
  stage?: DocumentStage;
  error?: string | null;
  pages_done?: number;
  pages_total?: number;
  chunks_done?: number;
  chunks_total?: number;
}

export const ProjectUpdateType = z.enum([
  'document_added',
  'document_deleted',
  'document_updated',
  'chat_created',
  'chat_updated',
  'chat_deleted',
  'message_added',
  'project_updated',
  'chats_updated',
]);
export type ProjectUpdateType = z.infer<typeof ProjectUpdateType>;

export interface ProjectUpdateEvent {
  type: ProjectUpdateType;
  data: Record<string, unknown>;
}

/** One chat as a project's chat list shows it. */
export interface ChatSummary {
  chat_id: number;
  title: string;
  updated_at: string;
  message_count: number;
}

/**
 * **ext** `project_update` `chats_updated` to the project room: the chats whose title, messages or
 * order changed, coalesced (at most a few a second per project, however many answers stream).
 */
export interface ChatsUpdatedData {
  project_id: number;
  chats: ChatSummary[];
}

/** A model download's progress; sent to every connected client (models are shared by all projects). */
export type ModelPullProgressEvent = ModelPullProgress;

export const ProjectsChangedType = z.enum(['project_created', 'project_updated', 'project_deleted']);
export type ProjectsChangedType = z.infer<typeof ProjectsChangedType>;

/**
 * **ext** Sent to every connection when the list of projects changes (a project created, renamed or
 * deleted), so project lists in other tabs stay live; the seed's `project_update` only reaches the
 * project's own room.
 */
export interface ProjectsChangedEvent {
  type: ProjectsChangedType;
  project_id: number;
}

export interface ServerToClientEvents {
  projects_changed: (data: ProjectsChangedEvent) => void;
  connection_status: (data: ConnectionStatusEvent) => void;
  project_joined: (data: ProjectJoinedEvent) => void;
  project_left: (data: ProjectLeftEvent) => void;
  chat_joined: (data: ChatJoinedEvent) => void;
  chat_left: (data: ChatLeftEvent) => void;
  message_received: (data: MessageReceivedEvent) => void;
  message_sources: (data: MessageSourcesEvent) => void;
  message_token: (data: MessageTokenEvent) => void;
  message_complete: (data: MessageCompleteEvent) => void;
  document_status: (data: DocumentStatusEvent) => void;
  project_update: (data: ProjectUpdateEvent) => void;
  model_pull_progress: (data: ModelPullProgressEvent) => void;
  pong: (data: PongEvent) => void;
  error: (data: ErrorEvent) => void;
}

export interface ClientToServerEvents {
  join_project: (data: z.input<typeof JoinProjectPayload>) => void;
  leave_project: (data: z.input<typeof LeaveProjectPayload>) => void;
  join_chat: (data: z.input<typeof JoinChatPayload>) => void;
  leave_chat: (data: z.input<typeof LeaveChatPayload>) => void;
  send_message: (data: z.input<typeof SendMessagePayload>) => void;
  regenerate_message: (data: z.input<typeof RegenerateMessagePayload>) => void;
  edit_message: (data: z.input<typeof EditMessagePayload>) => void;
  continue_message: (data: z.input<typeof ContinueMessagePayload>) => void;
  stop_generation: (data: z.input<typeof StopGenerationPayload>) => void;
  resume_message: (data: z.input<typeof ResumeMessagePayload>) => void;
  ping: (data?: unknown) => void;
}

/** Per-connection metadata the seed names, kept in `socket.data`. */
export interface SocketData {
  connected_at: string;
  project_id: number | null;
  chat_id: number | null;
  /** The signed-in user (AUTH_MODE=accounts); null without accounts. */
  user_id?: number | null;
}
