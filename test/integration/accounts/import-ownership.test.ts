import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportArchive, importArchive } from '../../support/project-archives.ts';
import type { TestServer } from '../../support/test-server.ts';
import { addUser, ADMIN, login, type SignedInUser, startAccountsServer } from './accounts-support.ts';

/** An imported project's chats belong to whoever imported it: private to them, not orphans. */
describe('accounts: project import', () => {
  let server: TestServer;
  let admin: SignedInUser;
  let alice: SignedInUser;
  let bob: SignedInUser;
  let carol: SignedInUser;

  beforeAll(async () => {
    server = await startAccountsServer();
    admin = await login(server, ADMIN.email, ADMIN.password);
    alice = await addUser(server, admin, 'alice@example.test');
    bob = await addUser(server, admin, 'bob@example.test');
    carol = await addUser(server, admin, 'carol@example.test');
  });
  afterAll(async () => server?.close());

  it('gives the imported chats to the importing user, who owns the new project; other members do not see them', async () => {
    const project = await server.api('POST', '/api/projects', { name: 'Travel plans' }, alice.headers);
    const chat = await server.api('POST', '/api/chats', { project_id: project.body.id, title: 'Lisbon itinerary' }, alice.headers);
    expect(chat.status).toBe(201);
    const archive = await exportArchive(server, project.body.id, alice.headers);
    expect(archive.status).toBe(200);
    // Bob may not export Alice's project, but may import the file she gave him.
    expect((await exportArchive(server, project.body.id, bob.headers)).status).toBe(404);

    const imported = await importArchive(server, archive.bytes, 'Travel plans (Bob)', bob.headers);
    expect(imported.status).toBe(201);
    const projectId = imported.body.id as number;
    expect(imported.body.my_role).toBe('owner');

    const members = await server.api('GET', `/api/projects/${projectId}/members`, undefined, bob.headers);
    expect(members.body.map((member: { user_id: number; role: string }) => [member.user_id, member.role])).toEqual([[bob.id, 'owner']]);
    const bobsChats = await server.api('GET', `/api/projects/${projectId}/chats`, undefined, bob.headers);
    expect(bobsChats.body.map((listed: { title: string }) => listed.title)).toEqual(['Lisbon itinerary']);
    const importedChatId = bobsChats.body[0].id as number;
    expect((await server.api('GET', `/api/chats/${importedChatId}`, undefined, bob.headers)).status).toBe(200);

    // Alice is not a member of Bob's copy; Carol, a viewer there, sees the project but not Bob's chat.
    expect((await server.api('GET', `/api/projects/${projectId}`, undefined, alice.headers)).status).toBe(404);
    await server.api('PUT', `/api/projects/${projectId}/members/${carol.id}`, { role: 'viewer' }, bob.headers);
    expect((await server.api('GET', `/api/projects/${projectId}/chats`, undefined, carol.headers)).body).toEqual([]);
    expect((await server.api('GET', `/api/chats/${importedChatId}`, undefined, carol.headers)).status).toBe(404);
    // Nor does an admin: the chat is Bob's, not an orphan left to admins.
    expect((await server.api('GET', `/api/chats/${importedChatId}`, undefined, admin.headers)).status).toBe(404);
  });
});
