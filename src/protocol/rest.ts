import { z } from 'zod';
import { IdNumber } from './ids.ts';
import { MessageRole, MessageStatus } from './messages.ts';
import { Source } from './source.ts';
import { GenerationOptions, MAX_MESSAGE_CHARS } from './socket-events.ts';

/** Every error body: FastAPI's `{detail}`, so the original's clients keep working. */
export const ErrorResponse = z.object({
  detail: z.string(),
  code: z.string().optional(),
});

const Timestamp = z.string().describe('UTC, YYYY-MM-DDTHH:MM:SS.mmmZ');

// ---------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------

const ProjectName = z.string().trim().min(1, 'name must not be empty').max(255, 'name must be at most 255 characters');

/** Free-form per-project settings; a JSON object of bounded size. */
const ProjectSettings = z
  .record(z.string().max(100), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 20_000, 'settings must be under 20 kB of JSON');

export const ProjectCreateBody = z.strictObject({
  name: ProjectName,
  description: z.string().max(5_000).nullish(),
  folder_path: z.string().max(1_000).nullish(),
  settings: ProjectSettings.nullish(),
});
export type ProjectCreateBody = z.infer<typeof ProjectCreateBody>;

export const ProjectUpdateBody = z.strictObject({
  name: ProjectName.optional(),
  description: z.string().max(5_000).nullish(),
  folder_path: z.string().max(1_000).nullish(),
  settings: ProjectSettings.nullish(),
});
export type ProjectUpdateBody = z.infer<typeof ProjectUpdateBody>;

export const ProjectResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  chroma_collection_name: z.string(),
  document_count: z.number().int(),
  chat_count: z.number().int(),
  total_chunks: z.number().int(),
  /** A JSON string, as the original sent it. */
  settings: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  /**
   * **ext** What the asking user may do here, as a role: `viewer` (read, chat), `editor` (also
   * documents and project settings), `owner` (also rename, delete, members). Admins are `owner`.
   * Absent without accounts (the local user may do everything). Clients use it to show only what is
   * allowed; the server checks anyway.
   */
  my_role: z.enum(['owner', 'editor', 'viewer']).optional(),
});
export type ProjectResponse = z.infer<typeof ProjectResponse>;

export const ProjectListQuery = z.object({
  skip: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  include_deleted: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
});

export const ProjectDeleteQuery = z.object({
  hard_delete: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
});

export const ProjectStatisticsResponse = z.object({
  project_id: z.number().int(),
  project_name: z.string(),
  document_count: z.number().int(),
  total_chunks: z.number().int(),
  total_size_bytes: z.number().int(),
  chat_count: z.number().int(),
  message_count: z.number().int(),
  created_at: Timestamp,
  updated_at: Timestamp,
  folder_path: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------
// Chats and messages
// ---------------------------------------------------------------------------------------------

const ChatTitle = z.string().trim().min(1, 'title must not be empty').max(512);

export const ChatCreateBody = z.strictObject({
  project_id: IdNumber,
  title: ChatTitle.optional(),
});
export type ChatCreateBody = z.infer<typeof ChatCreateBody>;

export const ChatUpdateBody = z
  .strictObject({
    title: ChatTitle.optional(),
    /** **ext** The chat model for this chat; null goes back to the project's default. */
    model: z.string().trim().min(1, 'model must not be empty').max(200).nullable().optional(),
  })
  .refine((body) => body.title !== undefined || body.model !== undefined, { message: 'title or model is required' });

export const ChatResponse = z.object({
  id: z.number().int(),
  project_id: z.number().int(),
  title: z.string(),
  /** **ext** The chat model chosen for this chat; null when the project's default answers. */
  model: z.string().nullable(),
  message_count: z.number().int(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type ChatResponse = z.infer<typeof ChatResponse>;

/** **ext** A chat search result: the chat, and the text around the match in its newest matching message. */
export const ChatSearchResult = ChatResponse.extend({
  /** Null when only the title matched. */
  snippet: z.string().nullable(),
});
export type ChatSearchResult = z.infer<typeof ChatSearchResult>;

export { MessageRole, MessageStatus } from './messages.ts';

export const MessageResponse = z.object({
  id: z.number().int(),
  chat_id: z.number().int(),
  role: MessageRole,
  content: z.string(),
  sources: z.array(Source).nullable(),
  model_name: z.string().nullable(),
  /** `streaming` while an answer is being generated; `complete`, `stopped`, `interrupted` or `failed` after. */
  status: MessageStatus,
  error: z.string().nullable(),
  /**
   * **ext** The message tree: an answer's question, a question's message it follows (null for a
   * chat's first question; an edited question has its original's parent).
   */
  parent_id: z.number().int().nullable(),
  /**
   * **ext** The shown one among its siblings (answer versions under a question, question branches
   * under an answer). The conversation is the path of active messages; only it is sent as history.
   */
  active: z.boolean(),
  /** **ext** Thumbs up / down on an answer; null when none was given. */
  feedback: z.enum(['up', 'down']).nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type MessageResponse = z.infer<typeof MessageResponse>;

export const ChatWithMessagesResponse = ChatResponse.extend({ messages: z.array(MessageResponse) });
export type ChatWithMessagesResponse = z.infer<typeof ChatWithMessagesResponse>;

export const ChatListQuery = z.object({
  skip: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const ChatSearchQuery = z.object({
  q: z.string().trim().min(1).max(500),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** **ext** `PUT /api/chats/{chat_id}/messages/{message_id}/feedback`: thumbs up / down, or null to clear. */
export const MessageFeedbackBody = z.strictObject({
  feedback: z.enum(['up', 'down']).nullable(),
});
export type MessageFeedbackBody = z.infer<typeof MessageFeedbackBody>;

export const SendMessageBody = z.strictObject({
  message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
  ...GenerationOptions,
  /** The original's name for `history_length`. */
  max_history: z.number().int().min(1).max(50).optional(),
  /** **ext** Edits this question of the chat: the message is saved beside it as a new branch (as `edit_message`). */
  edit_of: z.number().int().positive().optional(),
  stream: z.boolean().default(false),
});
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const SendMessageResponse = z.object({
  answer: z.string(),
  sources: z.array(Source),
  model: z.string(),
  message_id: z.number().int(),
  user_message_id: z.number().int(),
  status: MessageStatus,
});
