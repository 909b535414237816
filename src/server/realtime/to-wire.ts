import type { ProjectUpdateType, ServerToClientEvents } from '../../protocol/socket-events.ts';
import { assertNever, type GenerationEvent } from '../chat/generation-event.ts';
import type { DomainEvent } from '../events/domain-events.ts';

export type WireEvent = {
  [Name in keyof ServerToClientEvents]: [Name, Parameters<ServerToClientEvents[Name]>[0]];
}[keyof ServerToClientEvents];

/** Maps a generation event to the seed's socket event and payload. */
export function generationEventToWire(event: GenerationEvent): WireEvent | undefined {
  switch (event.type) {
    case 'received':
      return ['message_received', { chat_id: event.chatId, status: 'processing', user_message_id: event.userMessageId }];
    case 'sources':
      return ['message_sources', { chat_id: event.chatId, sources: event.sources }];
    case 'token':
      return ['message_token', { chat_id: event.chatId, token: event.text, seq: event.seq, message_id: event.messageId }];
    case 'done':
      return [
        'message_complete',
        {
          chat_id: event.chatId,
          message_id: event.messageId,
          metadata: {
            model: event.model,
            sources_count: event.sourcesCount,
            stopped: event.status === 'stopped',
            status: event.status,
            tokens: event.tokens,
            ...(event.truncated ? { truncated: event.truncated } : {}),
          },
        },
      ];
    case 'error':
      return [
        'error',
        {
          message: event.error.expose ? event.error.message : 'The answer failed because of an internal error',
          chat_id: event.chatId,
          code: event.error.code,
          ...(event.messageId !== undefined ? { message_id: event.messageId } : {}),
        },
      ];
    default:
      return assertNever(event);
  }
}

/** One socket event and who hears it: a project's room, or every connection (`projectId` absent). */
export interface WireDelivery {
  projectId?: number;
  /**
   * Chat events: only the connections showing the chat (`chat`), the chat lists of the project that
   * may show it (`list`: the project room, or with accounts its owner's connections there), or both.
   */
  chat?: { chatId: number; ownerId: number | null; rooms: 'chat' | 'list' | 'both' };
  event: WireEvent;
}

/** A chat whose summary in its project's chat list changed (coalesced into `chats_updated`). */
export interface ChatListChange {
  projectId: number;
  chatId: number;
}

/** Title, messages or order of a chat changed: its chat-list summary is due. */
export function chatListChangeOf(event: DomainEvent): ChatListChange | undefined {
  return event.type === 'chatUpdated' || event.type === 'messageAdded' ? { projectId: event.projectId, chatId: event.chatId } : undefined;
}

function chatEvent(
  event: { projectId: number; chatId: number; ownerId: number | null },
  rooms: 'chat' | 'list' | 'both',
  type: ProjectUpdateType,
  data: Record<string, unknown>,
): WireDelivery {
  return {
    ...projectUpdate(event.projectId, type, { chat_id: event.chatId, ...data }),
    chat: { chatId: event.chatId, ownerId: event.ownerId, rooms },
  };
}

function projectUpdate(projectId: number, type: ProjectUpdateType, data: Record<string, unknown>): WireDelivery {
  return { projectId, event: ['project_update', { type, data: { project_id: projectId, ...data } }] };
}

/**
 * Maps a domain event to the seed's wire events: `project_update {type, data}` (snake_case) to the
 * project's room (chat events to the chat's own room or the chat lists, see `chat`), `document_status` likewise, `projects_changed` and `model_pull_progress` to everyone.
 */
export function domainEventToWire(event: DomainEvent): WireDelivery[] {
  switch (event.type) {
    case 'projectCreated':
      return [{ event: ['projects_changed', { type: 'project_created', project_id: event.projectId }] }];
    case 'projectUpdated':
      return [
        projectUpdate(event.projectId, 'project_updated', { name: event.name }),
        { event: ['projects_changed', { type: 'project_updated', project_id: event.projectId }] },
      ];
    case 'projectDeleted':
      return [{ event: ['projects_changed', { type: 'project_deleted', project_id: event.projectId }] }];
    case 'embeddingIndexActivated':
      return [
        projectUpdate(event.projectId, 'project_updated', {
          embedding_model: event.embeddingModel,
          embedding_index_id: event.embeddingIndexId,
        }),
      ];
    // The seed's chat_created / chat_deleted reach the project's chat lists; what happens inside a chat
    // only its own room (the list hears a coalesced summary instead, see chatListChangeOf).
    case 'chatCreated':
      return [chatEvent(event, 'list', 'chat_created', { title: event.title })];
    case 'chatUpdated':
      return [chatEvent(event, 'chat', 'chat_updated', { title: event.title })];
    case 'chatDeleted':
      return [chatEvent(event, 'both', 'chat_deleted', {})];
    case 'messageAdded':
      return [chatEvent(event, 'chat', 'message_added', { message_id: event.messageId, role: event.role })];
    case 'documentAdded':
      return [projectUpdate(event.projectId, 'document_added', { document_id: event.document.id, filename: event.document.filename })];
    case 'documentUpdated':
      return [
        projectUpdate(event.projectId, 'document_updated', {
          document_id: event.documentId,
          ...(event.filename !== undefined ? { filename: event.filename } : {}),
          ...(event.status !== undefined ? { status: event.status } : {}),
        }),
      ];
    case 'documentDeleted':
      return [projectUpdate(event.projectId, 'document_deleted', { document_id: event.documentId })];
    case 'documentProgress':
      return [
        {
          projectId: event.projectId,
          event: [
            'document_status',
            {
              document_id: event.documentId,
              project_id: event.projectId,
              status: event.status,
              progress: event.progress,
              stage: event.stage,
              error: event.error,
              ...(event.pagesTotal !== undefined ? { pages_done: event.pagesDone ?? 0, pages_total: event.pagesTotal } : {}),
              ...(event.chunksTotal !== undefined ? { chunks_done: event.chunksDone ?? 0, chunks_total: event.chunksTotal } : {}),
            },
          ],
        },
      ];
    case 'modelPullProgress':
      return [{ event: ['model_pull_progress', event.progress] }];
    case 'settingsChanged':
    // Revocations move connections out of rooms (realtime/revocation.ts); they are not broadcast.
    case 'accessRevoked':
      return [];
    default:
      return assertNever(event);
  }
}
