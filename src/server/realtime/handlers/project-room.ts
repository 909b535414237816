import { JoinProjectPayload, LeaveProjectPayload } from '../../../protocol/socket-events.ts';
import { NotFoundError } from '../../errors.ts';
import { projectRoom } from '../broadcast.ts';
import type { HandlerContext } from '../handler-context.ts';
import { parsePayload } from '../payload.ts';

/** `join_project`: one project room per connection; joining another leaves the previous one. */
export async function joinProject(context: HandlerContext, raw: unknown): Promise<void> {
  const { socket, connection, store } = context;
  const { project_id: projectId } = parsePayload('join_project', JoinProjectPayload, raw);
  const project = await store.projects.findById(projectId);
  if (!project) throw new NotFoundError(`Project ${projectId} not found`);
  if (!socket.connected) return;
  const previous = connection.metadata.project_id;
  if (previous !== null && previous !== projectId) await socket.leave(projectRoom(previous));
  await socket.join(projectRoom(projectId));
  connection.metadata.project_id = projectId;
  socket.data.project_id = projectId;
  socket.emit('project_joined', { project_id: projectId, status: 'success' });
}

/** `leave_project`: leaves the room (idempotent) and clears the stored project. */
export async function leaveProject(context: HandlerContext, raw: unknown): Promise<void> {
  const { socket, connection } = context;
  const { project_id: projectId } = parsePayload('leave_project', LeaveProjectPayload, raw);
  await socket.leave(projectRoom(projectId));
  if (connection.metadata.project_id === projectId) {
    connection.metadata.project_id = null;
    socket.data.project_id = null;
  }
  socket.emit('project_left', { project_id: projectId, status: 'success' });
}
