import type { Server } from 'socket.io';
import type {
  ClientToServerEvents,
  DocumentStatusEvent,
  ModelPullProgressEvent,
  ProjectsChangedEvent,
  ProjectUpdateType,
  ServerToClientEvents,
  SocketData,
} from '../../protocol/socket-events.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { ChatRecord } from '../store/store.ts';
import { ChatListSummaries, chatSummary } from './chat-list-summaries.ts';
import { chatListChangeOf, domainEventToWire, type WireDelivery } from './to-wire.ts';

type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export function projectRoom(projectId: number): string {
  return `project_${projectId}`;
}

/**
 * Connections streaming an answer in one of the project's chats. Revocation takes a removed member
 * out of it, and an answer's stream to a socket ends once the socket is no longer in it (a room, so
 * that it works across processes with the cluster adapter).
 */
export function answerRoom(projectId: number): string {
  return `answers_project_${projectId}`;
}

/**
 * Connections showing one chat (`join_chat`, or asking in it): its per-chat events. Named under its
 * project so that revocation finds every room of a project by prefix.
 */
export function chatRoom(projectId: number, chatId: number): string {
  return `project_${projectId}_chat_${chatId}`;
}

/**
 * With accounts, one user's connections in a project room: chats are private, so a chat's list
 * events go to its owner's connections there (and those of admins for chats without an owner).
 */
export function projectMemberRoom(projectId: number, userId: number): string {
  return `project_${projectId}_user_${userId}`;
}

export function projectAdminsRoom(projectId: number): string {
  return `project_${projectId}_admins`;
}

/** Every room named under a project (chat rooms, per-member rooms), for revocation. */
export function isRoomOfProject(room: string, projectId: number): boolean {
  return room.startsWith(`project_${projectId}_`);
}

/** Every connection of one user (accounts on): per-user broadcasts and revocation. */
export function userRoom(userId: number): string {
  return `user_${userId}`;
}

/** Every connection made with one session token or API key: logout and key deletion end them. */
export function credentialRoom(credentialId: number): string {
  return `credential_${credentialId}`;
}

/** Connections of admins: model downloads are theirs to see. */
export const ADMINS_ROOM = 'admins';

/**
 * With accounts on, events that are not per project go only to those they concern: a project's list
 * change to its members (and admins), model downloads to admins. Absent: everyone hears them.
 */
export interface BroadcastAudience {
  projectMemberIds(projectId: number): Promise<number[]>;
}

/** The seed's three server utilities, over a Socket.IO server. */
export function createBroadcaster(io: IoServer) {
  return {
    broadcastToProject<Event extends keyof ServerToClientEvents>(
      projectId: number,
      event: Event,
      data: Parameters<ServerToClientEvents[Event]>[0],
    ): void {
      (io.to(projectRoom(projectId)).emit as (event: string, data: unknown) => void)(event, data);
    },

    /** One event to every connection in any of `rooms` (each hears it once). */
    emitToRooms<Event extends keyof ServerToClientEvents>(
      rooms: string[],
      event: Event,
      data: Parameters<ServerToClientEvents[Event]>[0],
    ): void {
      (io.to(rooms).emit as (event: string, data: unknown) => void)(event, data);
    },

    /** Events that are not per project (model downloads, the list of projects) reach every socket. */
    broadcastToEveryone<Event extends keyof ServerToClientEvents>(event: Event, data: Parameters<ServerToClientEvents[Event]>[0]): void {
      (io.emit as (event: string, data: unknown) => void)(event, data);
    },

    notifyDocumentProcessing(
      projectId: number,
      documentId: number,
      status: DocumentStatusEvent['status'],
      progress: number,
      extra: Partial<DocumentStatusEvent> = {},
    ): void {
      io.to(projectRoom(projectId)).emit('document_status', {
        ...extra,
        document_id: documentId,
        project_id: projectId,
        status,
        progress,
      });
    },

    notifyProjectUpdate(projectId: number, updateType: ProjectUpdateType, data: Record<string, unknown>): void {
      io.to(projectRoom(projectId)).emit('project_update', { type: updateType, data });
    },

    /** Model downloads concern everyone (models are shared by all projects): every socket hears them. */
    notifyModelPullProgress(progress: ModelPullProgressEvent): void {
      io.emit('model_pull_progress', progress);
    },

    /** Project lists are not per project: every connection hears that one was added or removed. */
    notifyProjectsChanged(event: ProjectsChangedEvent): void {
      io.emit('projects_changed', event);
    },
  };
}

export type Broadcaster = ReturnType<typeof createBroadcaster>;

/** The rooms that hear a chat event (see `WireDelivery.chat`). */
function chatRooms(projectId: number, chat: NonNullable<WireDelivery['chat']>, accountsOn: boolean): string[] {
  const rooms: string[] = [];
  if (chat.rooms !== 'list') rooms.push(chatRoom(projectId, chat.chatId));
  if (chat.rooms !== 'chat') rooms.push(chatListRoom(projectId, chat.ownerId, accountsOn));
  return rooms;
}

/** Who may see a chat in the project's chat list: everyone in the room, or with accounts its owner (admins for ownerless chats). */
function chatListRoom(projectId: number, ownerId: number | null, accountsOn: boolean): string {
  if (!accountsOn) return projectRoom(projectId);
  return ownerId === null ? projectAdminsRoom(projectId) : projectMemberRoom(projectId, ownerId);
}

/**
 * Forwards what the domain announces to the project, chat and user rooms and to everyone; chat-list
 * changes are coalesced into `chats_updated`. Returns a function that stops it.
 */
export function forwardDomainEvents(
  events: DomainEvents,
  broadcaster: Broadcaster,
  options: {
    io?: IoServer;
    audience?: BroadcastAudience;
    /** Accounts on: chats are private to their owner. */
    accountsOn?: boolean;
    /** Where the chat-list summaries are read; without it no `chats_updated` is sent. */
    chats?: { findById(id: number): Promise<ChatRecord | undefined> };
    logger?: { warn(object: unknown, message?: string): void };
  } = {},
): () => void {
  const { io, audience } = options;
  const accountsOn = options.accountsOn ?? false;
  const chatStore = options.chats;
  const summaries = chatStore
    ? new ChatListSummaries({
        load: async (chatIds) =>
          (await Promise.all(chatIds.map((id) => chatStore.findById(id)))).filter((chat): chat is ChatRecord => chat !== undefined),
        send: (projectId, chats) => {
          const byRoom = new Map<string, ChatRecord[]>();
          for (const chat of chats) {
            const room = chatListRoom(projectId, chat.createdBy, accountsOn);
            byRoom.set(room, [...(byRoom.get(room) ?? []), chat]);
          }
          for (const [room, list] of byRoom)
            broadcaster.emitToRooms([room], 'project_update', {
              type: 'chats_updated',
              data: { project_id: projectId, chats: list.map(chatSummary) },
            });
        },
        onError: (error) => options.logger?.warn({ err: error }, 'could not send the chat-list summaries'),
      })
    : undefined;
  const unsubscribe = events.subscribe((domainEvent) => {
    const listChange = chatListChangeOf(domainEvent);
    if (listChange) summaries?.mark(listChange.projectId, listChange.chatId);
    for (const {
      projectId,
      chat,
      event: [name, data],
    } of domainEventToWire(domainEvent)) {
      if (projectId !== undefined && chat) broadcaster.emitToRooms(chatRooms(projectId, chat, accountsOn), name, data as never);
      else if (projectId !== undefined) broadcaster.broadcastToProject(projectId, name, data as never);
      else if (!io || !audience) broadcaster.broadcastToEveryone(name, data as never);
      else if (name === 'projects_changed') {
        const changed = data as ProjectsChangedEvent;
        audience.projectMemberIds(changed.project_id).then(
          (userIds) => io.to([ADMINS_ROOM, ...userIds.map(userRoom)]).emit('projects_changed', changed),
          (error: unknown) => options.logger?.warn({ err: error }, 'could not find who hears a project list change'),
        );
      } else (io.to(ADMINS_ROOM).emit as (event: string, data: unknown) => void)(name, data);
    }
  });
  return () => {
    unsubscribe();
    summaries?.close();
  };
}
