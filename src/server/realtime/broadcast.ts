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
import { domainEventToWire } from './to-wire.ts';

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

/** Forwards what the domain announces to the project rooms and to everyone. Returns a function that stops it. */
export function forwardDomainEvents(
  events: DomainEvents,
  broadcaster: Broadcaster,
  options: { io?: IoServer; audience?: BroadcastAudience; logger?: { warn(object: unknown, message?: string): void } } = {},
): () => void {
  const { io, audience } = options;
  return events.subscribe((domainEvent) => {
    for (const {
      projectId,
      event: [name, data],
    } of domainEventToWire(domainEvent)) {
      if (projectId !== undefined) broadcaster.broadcastToProject(projectId, name, data as never);
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
}
