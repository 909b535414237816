import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatsUpdatedData } from '../../../src/protocol/socket-events.ts';
import { joinProject } from '../../support/documents.ts';
import { ask, type ClientSocket, connect, recordEvents, waitFor } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';
import { addUser, ADMIN, login, startAccountsServer } from '../accounts/accounts-support.ts';

const summaryOf = (chatId: number, messages: number) => (update: { type: string; data: Record<string, unknown> }) =>
  update.type === 'chats_updated' &&
  (update.data as unknown as ChatsUpdatedData).chats.some((chat) => chat.chat_id === chatId && chat.message_count === messages);

async function joinChat(socket: ClientSocket, chatId: number): Promise<void> {
  const joined = waitFor(socket, 'chat_joined', (event) => event.chat_id === chatId);
  socket.emit('join_chat', { chat_id: chatId });
  await joined;
}

/** Round trip: every event the server sent this socket before it is in. */
async function settle(socket: ClientSocket): Promise<void> {
  const pong = waitFor(socket, 'pong');
  socket.emit('ping', {});
  await pong;
}

const chatEventsOf = (log: Array<[string, any]>, chatId: number) =>
  log.filter(([name, data]) => name === 'project_update' && data.data.chat_id === chatId).map(([, data]) => data.type);

describe('chat events go to the chat, the project room hears a summary', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  const open = async (options?: Parameters<typeof connect>[1]) => {
    const socket = await connect(server.url, options);
    sockets.push(socket);
    return socket;
  };
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => server.close());

  it("a socket in the project but not in the chat gets no per-message events, only the chat list's summary", async () => {
    const { projectId, chatId } = await createProjectAndChat(server);
    const sender = await open();
    const viewer = await open();
    const listOnly = await open();
    await joinProject(viewer, projectId);
    await joinChat(viewer, chatId);
    await joinProject(listOnly, projectId);
    const viewerLog = recordEvents(viewer);
    const listLog = recordEvents(listOnly);

    const viewerSawAnswer = waitFor(
      viewer,
      'project_update',
      (update) => update.type === 'message_added' && update.data.role === 'assistant',
    );
    const listSawAnswer = waitFor(listOnly, 'project_update', summaryOf(chatId, 2));
    const answer = await ask(sender, { chat_id: chatId, message: 'What does the fan-out do?' });
    // The sender still gets the seed's flow, in order.
    expect(answer.events.map(([name]) => name).filter((name, index, all) => all.indexOf(name) === index)).toEqual([
      'message_received',
      'message_sources',
      'message_token',
      'message_complete',
    ]);
    await viewerSawAnswer;
    const summary = (await listSawAnswer).data as unknown as ChatsUpdatedData;
    expect(summary.project_id).toBe(projectId);
    expect(summary.chats.find((chat) => chat.chat_id === chatId)).toEqual({
      chat_id: chatId,
      title: 'What does the fan-out do?',
      updated_at: expect.any(String),
      message_count: 2,
    });
    await settle(listOnly);
    await settle(viewer);

    // The list-only socket heard no event of the chat itself, and no answer traffic.
    expect(chatEventsOf(listLog, chatId)).toEqual([]);
    expect(listLog.filter(([name]) => name.startsWith('message_'))).toEqual([]);
    // The chat's own socket heard the question, the new title and the answer.
    expect(chatEventsOf(viewerLog, chatId)).toEqual(expect.arrayContaining(['message_added', 'chat_updated']));
    expect(chatEventsOf(viewerLog, chatId).filter((type) => type === 'message_added')).toHaveLength(2);
    // The summaries were coalesced: fewer than one per chat event.
    expect(listLog.filter(([name, data]) => name === 'project_update' && data.type === 'chats_updated').length).toBeLessThan(3);
  });

  it('chat_created and chat_deleted still reach the whole project room (the seed), chat_deleted also the chat', async () => {
    const { projectId } = await createProjectAndChat(server);
    const listOnly = await open();
    await joinProject(listOnly, projectId);
    const created = waitFor(listOnly, 'project_update', (update) => update.type === 'chat_created');
    const { body: chat } = await server.api('POST', '/api/chats', { project_id: projectId, title: 'Kept' });
    expect((await created).data).toEqual({ project_id: projectId, chat_id: chat.id, title: 'Kept' });

    const viewer = await open();
    await joinChat(viewer, chat.id);
    const renamed = waitFor(viewer, 'project_update', (update) => update.type === 'chat_updated');
    const renamedSummary = waitFor(
      listOnly,
      'project_update',
      (update) =>
        update.type === 'chats_updated' && (update.data as unknown as ChatsUpdatedData).chats.some((entry) => entry.title === 'Renamed'),
    );
    await server.api('PUT', `/api/chats/${chat.id}`, { title: 'Renamed' });
    expect((await renamed).data).toEqual({ project_id: projectId, chat_id: chat.id, title: 'Renamed' });
    await renamedSummary;

    const deletedHere = waitFor(viewer, 'project_update', (update) => update.type === 'chat_deleted');
    const deletedInList = waitFor(listOnly, 'project_update', (update) => update.type === 'chat_deleted');
    await server.api('DELETE', `/api/chats/${chat.id}`);
    expect((await deletedHere).data).toEqual({ project_id: projectId, chat_id: chat.id });
    expect((await deletedInList).data).toEqual({ project_id: projectId, chat_id: chat.id });
  });

  it('a socket that leaves the chat (or shows another) hears that chat no more', async () => {
    const { projectId, chatId } = await createProjectAndChat(server);
    const { body: other } = await server.api('POST', '/api/chats', { project_id: projectId });
    const viewer = await open();
    await joinChat(viewer, chatId);
    await joinChat(viewer, other.id);
    expect(server.gateway.connections.get(viewer.id!)?.metadata.chat_id).toBe(other.id);
    const log = recordEvents(viewer);
    const renamedOther = waitFor(viewer, 'project_update', (update) => update.type === 'chat_updated');
    await server.api('PUT', `/api/chats/${chatId}`, { title: 'Not heard' });
    await server.api('PUT', `/api/chats/${other.id}`, { title: 'Heard' });
    expect((await renamedOther).data.chat_id).toBe(other.id);
    expect(chatEventsOf(log, chatId)).toEqual([]);

    const left = waitFor(viewer, 'chat_left');
    viewer.emit('leave_chat', { chat_id: other.id });
    expect(await left).toEqual({ chat_id: other.id, status: 'success' });
    await server.api('PUT', `/api/chats/${other.id}`, { title: 'Heard no more' });
    await settle(viewer);
    expect(log.filter(([name, data]) => name === 'project_update' && data.data.title === 'Heard no more')).toEqual([]);
  });

  it('join_chat of a chat that does not exist is refused like any missing chat', async () => {
    const socket = await open();
    const error = waitFor(socket, 'error');
    socket.emit('join_chat', { chat_id: 999_999 });
    expect(await error).toMatchObject({ code: 'not_found', chat_id: 999_999 });
  });
});

describe('accounts: a private chat is heard only by its owner', () => {
  let server: TestServer;
  afterAll(async () => server?.close());

  it("another member's sockets, in the project room or asking to join the chat, never get the chat's events", async () => {
    server = await startAccountsServer();
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const alice = await addUser(server, admin, 'alice@example.test');
    const bob = await addUser(server, admin, 'bob@example.test');
    const project = await server.api('POST', '/api/projects', { name: 'Shared' }, alice.headers);
    const projectId = project.body.id;
    await server.api('PUT', `/api/projects/${projectId}/members/${bob.id}`, { role: 'editor' }, alice.headers);

    const aliceList = await connect(server.url, { auth: { token: alice.token } });
    const aliceAsks = await connect(server.url, { auth: { token: alice.token } });
    const bobList = await connect(server.url, { auth: { token: bob.token } });
    try {
      await joinProject(aliceList, projectId);
      await joinProject(bobList, projectId);
      const bobLog = recordEvents(bobList);

      const created = waitFor(aliceList, 'project_update', (update) => update.type === 'chat_created');
      const { body: chat } = await server.api('POST', '/api/chats', { project_id: projectId, title: 'Private' }, alice.headers);
      expect((await created).data).toMatchObject({ chat_id: chat.id });

      // Bob may not show it.
      const refused = waitFor(bobList, 'error');
      bobList.emit('join_chat', { chat_id: chat.id });
      expect(await refused).toMatchObject({ code: 'not_found' });

      const summary = waitFor(aliceList, 'project_update', summaryOf(chat.id, 2));
      const answer = await ask(aliceAsks, { chat_id: chat.id, message: 'A secret question' });
      expect(answer.complete).toBeDefined();
      await summary;

      // A document event still reaches Bob: he is in the room, and hears the project's own events.
      const documentEvent = waitFor(bobList, 'project_update', (update) => update.type === 'document_added');
      const form = new FormData();
      form.append('file', new Blob(['shared notes']), 'shared.txt');
      await fetch(`${server.url}/api/projects/${projectId}/documents`, { method: 'POST', headers: bob.headers, body: form });
      await documentEvent;

      const deleted = waitFor(aliceList, 'project_update', (update) => update.type === 'chat_deleted');
      await server.api('DELETE', `/api/chats/${chat.id}`, undefined, alice.headers);
      await deleted;
      await settle(bobList);
      const bobHeard = bobLog.filter(
        ([name, data]) => name !== 'pong' && name !== 'error' && !(name === 'project_update' && data.type.startsWith('document_')),
      );
      expect(bobHeard.filter(([name]) => name !== 'document_status')).toEqual([]);
      expect(JSON.stringify(bobLog)).not.toContain('A secret question');
      expect(JSON.stringify(bobLog)).not.toContain('Private');
    } finally {
      for (const socket of [aliceList, aliceAsks, bobList]) socket.disconnect();
    }
  });

  it("a removed member's sockets leave the project's chat rooms and their own room there at once", async () => {
    server ??= await startAccountsServer();
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const owner = await addUser(server, admin, 'owner@example.test');
    const member = await addUser(server, admin, 'member@example.test');
    const project = await server.api('POST', '/api/projects', { name: 'Revoked' }, owner.headers);
    const projectId = project.body.id;
    await server.api('PUT', `/api/projects/${projectId}/members/${member.id}`, { role: 'viewer' }, owner.headers);
    const { body: chat } = await server.api('POST', '/api/chats', { project_id: projectId }, member.headers);
    const socket = await connect(server.url, { auth: { token: member.token } });
    try {
      await joinProject(socket, projectId);
      await joinChat(socket, chat.id);
      const rooms = () => [...(server.gateway.io.sockets.sockets.get(socket.id!)?.rooms ?? [])];
      expect(rooms()).toEqual(
        expect.arrayContaining([`project_${projectId}`, `project_${projectId}_user_${member.id}`, `project_${projectId}_chat_${chat.id}`]),
      );
      const left = waitFor(socket, 'project_left');
      await server.api('DELETE', `/api/projects/${projectId}/members/${member.id}`, undefined, owner.headers);
      await left;
      expect(rooms().filter((room) => room.startsWith(`project_${projectId}`))).toEqual([]);
    } finally {
      socket.disconnect();
    }
  });
});
