import { JoinProjectPayload, LeaveProjectPayload } from '../../../protocol/socket-events.ts';
import { SerialByKey } from '../../concurrency/serial-by-key.ts';
import { projectRoom } from '../broadcast.ts';
import type { ConnectionState } from '../connection-registry.ts';
import type { HandlerContext } from '../handler-context.ts';
import { parsePayload } from '../payload.ts';

/**
 * Room changes of one connection, in the order they arrived. Run side by side, two joins sent back
 * to back would each read "no previous room" while the other awaited, and the socket would stay in both.
 */
const roomChanges = new SerialByKey<ConnectionState>();
function inArrivalOrder(connection: ConnectionState, change: () => Promise<void>): Promise<void> {
  return roomChanges.run(connection, change);
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
  if (previous !== null && previous !== projectId) await socket.leave(projectRoom(previous));
  await socket.join(projectRoom(projectId));
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
  await socket.leave(projectRoom(projectId));
  if (connection.metadata.project_id === projectId) {
    connection.metadata.project_id = null;
    socket.data.project_id = null;
  }
  socket.emit('project_left', { project_id: projectId, status: 'success' });
}
