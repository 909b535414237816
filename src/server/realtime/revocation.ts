import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../protocol/socket-events.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { Logger } from '../logger.ts';
import { answerRoom, credentialRoom, isRoomOfProject, projectRoom, userRoom } from './broadcast.ts';

type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * Live revocation, from the domain's `accessRevoked`: a removed member's sockets leave the project
 * room, the project's answer room and the rooms named under it (its chats) at once (an answer already streaming to them stops before its
 * next token) and hear `project_left {reason: 'access_revoked'}`; a disabled or deleted user, a
 * logout or a deleted API key disconnects the sockets concerned. Only room operations of the
 * Socket.IO server (`in(room).fetchSockets / socketsLeave / disconnectSockets`), so it works
 * across processes with a cluster adapter. Returns a function that stops it.
 */
export function applyRevocations(io: IoServer, events: DomainEvents, logger: Logger): () => void {
  return events.subscribe((event) => {
    if (event.type !== 'accessRevoked') return;
    const run = async () => {
      switch (event.scope) {
        case 'project': {
          const rooms = [projectRoom(event.projectId), answerRoom(event.projectId)];
          // Who was in the rooms, read before leaving (a local socket's `rooms` is its live set).
          const sockets = await io.in(userRoom(event.userId)).fetchSockets();
          const inRoom = sockets.filter((socket) => rooms.some((room) => socket.rooms.has(room)));
          // The project's own rooms, and those named under it (its chats, the member's own room).
          const named = sockets.map((socket) => ({
            socket,
            rooms: [...socket.rooms].filter((room) => isRoomOfProject(room, event.projectId)),
          }));
          io.in(userRoom(event.userId)).socketsLeave(rooms);
          for (const { socket, rooms: under } of named) for (const room of under) socket.leave(room);
          for (const socket of inRoom) socket.emit('project_left', { project_id: event.projectId, reason: 'access_revoked' });
          return;
        }
        case 'user':
          io.in(userRoom(event.userId)).disconnectSockets(true);
          return;
        case 'credentials':
          io.in(event.credentialIds.map(credentialRoom)).disconnectSockets(true);
          return;
      }
    };
    run().catch((error: unknown) => logger.warn({ err: error, scope: event.scope }, 'could not apply a revocation to live sockets'));
  });
}
