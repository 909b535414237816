import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, recordEvents, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

describe('connection, metadata and project rooms', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  const open = async (options?: Parameters<typeof connect>[1]) => {
    const socket = await connect(server.url, options);
    sockets.push(socket);
    return socket;
  };

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await server.close();
  });

  it('greets with connection_status and tracks then cleans up connection metadata', async () => {
    const socket = connectLater();
    const status = waitFor(socket, 'connection_status');
    socket.connect();
    const data = await status;
    expect(data.status).toBe('connected');
    expect(data.sid).toBe(socket.id);
    expect(Date.parse(data.connected_at)).toBeGreaterThan(Date.now() - 10_000);
    expect(server.gateway.connections.get(socket.id!)?.metadata).toEqual({
      connected_at: data.connected_at,
      project_id: null,
      chat_id: null,
    });

    const { projectId } = await createProjectAndChat(server);
    socket.emit('join_project', { project_id: projectId });
    await waitFor(socket, 'project_joined');
    expect(server.gateway.connections.get(socket.id!)?.metadata.project_id).toBe(projectId);

    const sid = socket.id!;
    socket.disconnect();
    await until(() => server.gateway.connections.get(sid) === undefined);
    expect(server.gateway.connections.size).toBe(0);
  });

  it('stays in one project room when joins arrive back to back', async () => {
    const projects: number[] = [];
    for (const name of ['Quick A', 'Quick B', 'Quick C']) projects.push((await createProjectAndChat(server, name)).projectId);
    const socket = await open();
    const last = waitFor(socket, 'project_joined', (data) => data.project_id === projects.at(-1));
    for (const projectId of projects) socket.emit('join_project', { project_id: projectId });
    await last;
    const rooms = [...(server.gateway.io.sockets.sockets.get(socket.id!)?.rooms ?? [])].filter((room) => room.startsWith('project_'));
    expect(rooms).toEqual([`project_${projects.at(-1)}`]);
    expect(server.gateway.connections.get(socket.id!)?.metadata.project_id).toBe(projects.at(-1));
  });

  it('joins a project room, switches rooms, and leaves', async () => {
    const a = await createProjectAndChat(server, 'Room A');
    const b = await createProjectAndChat(server, 'Room B');
    const socket = await open();
    const watcherOfA = await open();
    watcherOfA.emit('join_project', { project_id: a.projectId });
    await waitFor(watcherOfA, 'project_joined');

    socket.emit('join_project', { project_id: a.projectId });
    expect(await waitFor(socket, 'project_joined')).toEqual({ project_id: a.projectId, status: 'success' });
    const rooms = () => [...(server.gateway.io.sockets.sockets.get(socket.id!)?.rooms ?? [])];
    expect(rooms()).toContain(`project_${a.projectId}`);

    // Switching to B leaves A: an update in A, then one in B; the socket sees only B's.
    socket.emit('join_project', { project_id: String(b.projectId) as unknown as number });
    await waitFor(socket, 'project_joined', (data) => data.project_id === b.projectId);
    expect(rooms()).not.toContain(`project_${a.projectId}`);
    expect(rooms()).toContain(`project_${b.projectId}`);
    const events = recordEvents(socket);
    const seenByWatcher = waitFor(watcherOfA, 'project_update', (update) => update.data.title === 'in A');
    await server.api('POST', '/api/chats', { project_id: a.projectId, title: 'in A' });
    await seenByWatcher;
    const seenInB = waitFor(socket, 'project_update', (update) => update.data.title === 'in B');
    await server.api('POST', '/api/chats', { project_id: b.projectId, title: 'in B' });
    await seenInB;
    expect(events.filter(([name]) => name === 'project_update').map(([, data]) => data.data.title)).toEqual(['in B']);

    socket.emit('leave_project', { project_id: b.projectId });
    expect(await waitFor(socket, 'project_left')).toEqual({ project_id: b.projectId, status: 'success' });
    expect(rooms()).not.toContain(`project_${b.projectId}`);
    expect(server.gateway.connections.get(socket.id!)?.metadata.project_id).toBeNull();
  });

  it('refuses rooms of projects that do not exist, and bad payloads, with clear errors', async () => {
    const socket = await open();
    socket.emit('join_project', { project_id: 999 });
    expect(await waitFor(socket, 'error')).toMatchObject({ message: 'Project 999 not found', code: 'not_found' });
    socket.emit('join_project', {} as never);
    expect((await waitFor(socket, 'error')).message).toBe('project_id is required');
    socket.emit('join_project', { project_id: -4 });
    expect((await waitFor(socket, 'error')).message).toMatch(/project_id/);
    socket.emit('leave_project', 'nonsense' as never);
    expect((await waitFor(socket, 'error')).message).toBe('Invalid leave_project payload: expected an object');
    expect([...(server.gateway.io.sockets.sockets.get(socket.id!)?.rooms ?? [])]).toEqual([socket.id]);
  });

  it('answers ping with an epoch-millisecond pong that echoes the payload', async () => {
    const socket = await open();
    const before = Date.now();
    socket.emit('ping', { sent: before });
    const pong = await waitFor(socket, 'pong');
    expect(pong.timestamp).toBeGreaterThanOrEqual(before);
    expect(pong.timestamp).toBeLessThanOrEqual(Date.now());
    expect(pong.echo).toEqual({ sent: before });
  });

  it('delivers project updates to every socket in the room', async () => {
    const { projectId } = await createProjectAndChat(server);
    const first = await open();
    const second = await open();
    for (const socket of [first, second]) {
      socket.emit('join_project', { project_id: projectId });
      await waitFor(socket, 'project_joined');
    }
    const created = server.api('POST', '/api/chats', { project_id: projectId, title: 'Shared' });
    const [one, two] = await Promise.all([
      waitFor(first, 'project_update', (update) => update.type === 'chat_created'),
      waitFor(second, 'project_update', (update) => update.type === 'chat_created'),
    ]);
    const chatId = (await created).body.id;
    expect(one).toEqual({ type: 'chat_created', data: { project_id: projectId, chat_id: chatId, title: 'Shared' } });
    expect(two).toEqual(one);

    // A rename reaches the chat lists as a (coalesced) summary.
    const updated = waitFor(first, 'project_update', (update) => update.type === 'chats_updated');
    await server.api('PUT', `/api/chats/${chatId}`, { title: 'Renamed' });
    expect(await updated).toMatchObject({ data: { project_id: projectId, chats: [{ chat_id: chatId, title: 'Renamed' }] } });
    const deleted = waitFor(second, 'project_update', (update) => update.type === 'chat_deleted');
    await server.api('DELETE', `/api/chats/${chatId}`);
    expect(await deleted).toMatchObject({ data: { chat_id: chatId } });
  });

  it('tells every connection, in any room or none, when the list of projects changes', async () => {
    const inRoom = await open();
    const inNoRoom = await open();
    const { projectId } = await createProjectAndChat(server);
    inRoom.emit('join_project', { project_id: projectId });
    await waitFor(inRoom, 'project_joined');
    const created = Promise.all(
      [inRoom, inNoRoom].map((socket) => waitFor(socket, 'projects_changed', (event) => event.type === 'project_created')),
    );
    const { body: project } = await server.api('POST', '/api/projects', { name: 'Announced' });
    for (const event of await created) expect(event).toEqual({ type: 'project_created', project_id: project.id });
    const deleted = waitFor(inNoRoom, 'projects_changed', (event) => event.type === 'project_deleted');
    await server.api('DELETE', `/api/projects/${project.id}`);
    expect(await deleted).toEqual({ type: 'project_deleted', project_id: project.id });
  });

  function connectLater(): ClientSocket {
    // Registers listeners before the handshake completes, so `connection_status` cannot be missed.
    const socket = io(server.url, { transports: ['websocket'], autoConnect: false, reconnection: false, forceNew: true });
    sockets.push(socket as ClientSocket);
    return socket as ClientSocket;
  }
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
