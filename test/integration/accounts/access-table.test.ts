import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ClientSocket } from '../../support/socket-client.ts';
import type { TestServer } from '../../support/test-server.ts';
import { addUser, ADMIN, login, type SignedInUser, startAccountsServer, uploadText } from './accounts-support.ts';

/**
 * Every REST route and socket event that names a project, chat or document, driven from one table:
 * as Bob (not a member) Alice's things do not exist; as Carol (viewer) writes are 403 and reads work;
 * admin-only routes are 403 for a plain user.
 */
interface Ids {
  project: number;
  chat: number;
  document: number;
  alice: number;
}
type Row = [method: string, path: (ids: Ids) => string, body?: (ids: Ids) => unknown];

const READS: Row[] = [
  ['GET', (ids) => `/api/projects/${ids.project}`],
  ['GET', (ids) => `/api/projects/${ids.project}/statistics`],
  ['GET', (ids) => `/api/projects/${ids.project}/chats`],
  ['GET', (ids) => `/api/projects/${ids.project}/chats/search?q=a`],
  ['GET', (ids) => `/api/projects/${ids.project}/documents`],
  ['GET', (ids) => `/api/projects/${ids.project}/documents/search?q=vault`],
  ['GET', (ids) => `/api/projects/${ids.project}/export`],
  ['GET', (ids) => `/api/projects/${ids.project}/members`],
  ['GET', (ids) => `/api/documents/${ids.document}`],
  ['GET', (ids) => `/api/documents/${ids.document}/download`],
  ['POST', (ids) => `/api/analytics/projects/${ids.project}/test-retrieval`, () => ({ query: 'vault' })],
];
const WRITES: Row[] = [
  ['PUT', (ids) => `/api/projects/${ids.project}`, () => ({ name: 'Taken over' })],
  ['DELETE', (ids) => `/api/projects/${ids.project}`],
  ['PATCH', (ids) => `/api/documents/${ids.document}`, () => ({ filename: 'renamed.txt' })],
  ['POST', (ids) => `/api/documents/${ids.document}/reprocess`],
  ['DELETE', (ids) => `/api/documents/${ids.document}`],
  ['POST', () => '/api/documents/bulk-delete', (ids) => ({ document_ids: [ids.document] })],
  ['PUT', (ids) => `/api/projects/${ids.project}/members/${ids.alice}`, () => ({ role: 'viewer' })],
  ['POST', (ids) => `/api/projects/${ids.project}/members`, () => ({ email: 'bob@example.test', role: 'owner' })],
  ['DELETE', (ids) => `/api/projects/${ids.project}/members/${ids.alice}`],
];
/** Alice's own chat: private to her, whatever Bob's or Carol's role. */
const CHAT_ROUTES: Row[] = [
  ['GET', (ids) => `/api/chats/${ids.chat}`],
  ['GET', (ids) => `/api/chats/${ids.chat}/messages`],
  ['GET', (ids) => `/api/chats/${ids.chat}/export/json`],
  ['GET', (ids) => `/api/chats/${ids.chat}/export/markdown`],
  ['PUT', (ids) => `/api/chats/${ids.chat}`, () => ({ title: 'mine now' })],
  ['DELETE', (ids) => `/api/chats/${ids.chat}`],
  ['POST', (ids) => `/api/chats/${ids.chat}/messages`, () => ({ message: 'hello' })],
];
const ADMIN_ONLY: Row[] = [
  ['GET', () => '/api/users'],
  ['POST', () => '/api/users', () => ({ email: 'x@example.test', password: 'long-enough-1', role: 'admin' })],
  ['PATCH', (ids) => `/api/users/${ids.alice}`, () => ({ role: 'admin' })],
  ['DELETE', (ids) => `/api/users/${ids.alice}`],
  ['PUT', () => '/api/settings', () => ({ default_retrieval_k: 3 })],
  ['PUT', () => '/api/settings/models', () => ({ llm_model: 'llama3.2' })],
  ['POST', () => '/api/settings/models/pull', () => ({ model_name: 'tiny' })],
  ['DELETE', () => '/api/settings/models/pull/tiny'],
  ['DELETE', () => '/api/settings/models/tiny'],
  ['POST', () => '/api/llm/model/pull/tiny'],
  ['POST', () => '/api/llm/model/switch', () => ({ model: 'llama3.2' })],
];
const SOCKET_EVENTS: Array<[event: string, payload: (ids: Ids) => unknown]> = [
  ['join_project', (ids) => ({ project_id: ids.project })],
  ['send_message', (ids) => ({ chat_id: ids.chat, message: 'hello' })],
  ['stop_generation', (ids) => ({ chat_id: ids.chat })],
  ['resume_message', (ids) => ({ chat_id: ids.chat, after_seq: 0 })],
];

describe('accounts: one table over every route and event', () => {
  let server: TestServer;
  let admin: SignedInUser;
  let alice: SignedInUser;
  let bob: SignedInUser;
  let carol: SignedInUser;
  let ids: Ids;

  beforeAll(async () => {
    server = await startAccountsServer();
    admin = await login(server, ADMIN.email, ADMIN.password);
    alice = await addUser(server, admin, 'alice@example.test');
    bob = await addUser(server, admin, 'bob@example.test');
    carol = await addUser(server, admin, 'carol@example.test');
    const project = await server.api('POST', '/api/projects', { name: 'Alice only' }, alice.headers);
    expect(project.status).toBe(201);
    const chat = await server.api('POST', '/api/chats', { project_id: project.body.id }, alice.headers);
    const upload = await uploadText(server, alice, project.body.id, 'The vault code is 4711.');
    expect(upload.status).toBe(201);
    ids = { project: project.body.id, chat: chat.body.id, document: upload.body.document.id, alice: alice.id };
    const member = await server.api('PUT', `/api/projects/${ids.project}/members/${carol.id}`, { role: 'viewer' }, alice.headers);
    expect(member.status).toBe(200);
  });
  afterAll(async () => server?.close());

  const call = (user: SignedInUser, [method, path, body]: Row) => server.api(method, path(ids), body?.(ids), user.headers);

  it('answers 401 without credentials', async () => {
    for (const row of [...READS, ...WRITES, ...CHAT_ROUTES]) {
      expect((await server.api(row[0], row[1](ids), row[2]?.(ids))).status, `${row[0]} ${row[1](ids)}`).toBe(401);
    }
  });

  it("as Bob, Alice's project, documents and chat do not exist (404), and her project is not listed", async () => {
    for (const row of [...READS, ...WRITES, ...CHAT_ROUTES]) {
      const response = await call(bob, row);
      const label = `${row[0]} ${row[1](ids)}`;
      if (row[1](ids) === '/api/documents/bulk-delete') {
        expect(response.body.deleted, label).toEqual([]);
      } else {
        expect(response.status, label).toBe(404);
      }
    }
    expect((await server.api('POST', '/api/chats', { project_id: ids.project }, bob.headers)).status).toBe(404);
    const listed = await server.api('GET', '/api/projects', undefined, bob.headers);
    expect(listed.body.map((project: { id: number }) => project.id)).not.toContain(ids.project);
  });

  it('as Carol (viewer), reads work, writes are 403, and she may chat in her own chats only', async () => {
    for (const row of READS) expect((await call(carol, row)).status, `${row[0]} ${row[1](ids)}`).toBeLessThan(300);
    for (const row of WRITES) expect((await call(carol, row)).status, `${row[0]} ${row[1](ids)}`).toBe(403);
    expect((await uploadText(server, carol, ids.project, 'more')).status).toBe(403);
    for (const row of CHAT_ROUTES) expect((await call(carol, row)).status, `${row[0]} ${row[1](ids)}`).toBe(404);
    const own = await server.api('POST', '/api/chats', { project_id: ids.project }, carol.headers);
    expect(own.status).toBe(201);
    const chats = await server.api('GET', `/api/projects/${ids.project}/chats`, undefined, carol.headers);
    expect(chats.body.map((chat: { id: number }) => chat.id)).toEqual([own.body.id]);
  });

  it('admin-only routes are 403 for a plain user', async () => {
    for (const row of ADMIN_ONLY) expect((await call(bob, row)).status, `${row[0]} ${row[1](ids)}`).toBe(403);
  });

  it("as Bob over a socket, every event naming Alice's project or chat is the same error as a missing one", async () => {
    const socket: ClientSocket = await connect(server.url, { auth: { token: bob.token } });
    try {
      for (const [event, payload] of SOCKET_EVENTS) {
        const denied = (await (socket as any).emitWithAck(event, payload(ids))) as {
          ok: boolean;
          error?: { message: string; code: string };
        };
        const missing = (await (socket as any).emitWithAck(
          event,
          payload({ project: 999_999, chat: 999_999, document: 0, alice: 0 }),
        )) as typeof denied;
        expect(denied.ok, event).toBe(false);
        expect(denied.error?.code, event).toBe('not_found');
        expect(denied.error?.message.replace(/\d+/g, 'N'), event).toBe(missing.error?.message.replace(/\d+/g, 'N'));
      }
    } finally {
      socket.disconnect();
    }
  });

  it('refuses a socket without a token or with a bad one, with a clear connect_error', async () => {
    await expect(connect(server.url)).rejects.toThrow(/Sign in first/);
    await expect(connect(server.url, { auth: { token: `daa_s_${'x'.repeat(43)}` } })).rejects.toThrow(/Sign in first/);
  });
});
