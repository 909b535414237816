import { JoinProjectPayload, LeaveProjectPayload } from '../../../protocol/socket-events.ts';
import { projectAdminsRoom, projectMemberRoom, projectRoom } from '../broadcast.ts';
import type { HandlerContext } from '../handler-context.ts';
import { parsePayload } from '../payload.ts';
import { inArrivalOrder } from './room-order.ts';

/**
 * The rooms a connection holds for one project: the seed's `project_{id}`, and with accounts the
 * user's own room there (the lists of private chats), plus the admins' one for ownerless chats.
 */
function projectRooms(context: HandlerContext, projectId: number): string[] {
  const { actor } = context;
  if (actor.kind !== 'user') return [projectRoom(projectId)];
  return [
    projectRoom(projectId),
    projectMemberRoom(projectId, actor.userId),
    ...(actor.role === 'admin' ? [projectAdminsRoom(projectId)] : []),
  ];
}

async function leaveRooms(context: HandlerContext, projectId: number): Promise<void> {
  for (const room of projectRooms(context, projectId)) await context.socket.leave(room);
}

/** `join_project`: one project room per connection; joining another leaves the previous one. */
export function joinProject(context: HandlerContext, raw: unknown): Promise<void> {
  return inArrivalOrder(context.connection, () => switchToProject(context, raw));
}

async function switchToProject(context: HandlerContext, raw: unknown): Promise<void> {
  const { socket, connection, access, actor } = context;
  const { project_id: projectId } = parsePayload('join_project', JoinProjectPayload, raw);
  await access.requireProject(actor, projectId, 'read');
  if (!socket.connected) return;
  const previous = connection.metadata.project_id;
  if (previous !== null && previous !== projectId) await leaveRooms(context, previous);
  await socket.join(projectRooms(context, projectId));
  connection.metadata.project_id = projectId;
  socket.data.project_id = projectId;
  socket.emit('project_joined', { project_id: projectId, status: 'success' });
}

/** `leave_project`: leaves the room (idempotent) and clears the stored project. */
export function leaveProject(context: HandlerContext, raw: unknown): Promise<void> {
  return inArrivalOrder(context.connection, () => leaveRoom(context, raw));
}

async function leaveRoom(context: HandlerContext, raw: unknown): Promise<void> {
  const { socket, connection } = context;
  const { project_id: projectId } = parsePayload('leave_project', LeaveProjectPayload, raw);
  await leaveRooms(context, projectId);
  if (connection.metadata.project_id === projectId) {
    connection.metadata.project_id = null;
    socket.data.project_id = null;
  }
  socket.emit('project_left', { project_id: projectId, status: 'success' });
}
