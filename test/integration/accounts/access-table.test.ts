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
  /** An answer in Alice's chat. */
  message: number;
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
  ['GET', (ids) => `/api/projects/${ids.project}/documents/${ids.document}/chunks?limit=5`],
  ['POST', (ids) => `/api/analytics/projects/${ids.project}/test-retrieval`, () => ({ query: 'vault' })],
  ['GET', (ids) => `/api/analytics/projects/${ids.project}/embeddings`],
  ['POST', (ids) => `/api/analytics/projects/${ids.project}/dimensionality-reduction`, () => ({ method: 'pca', dimensions: 2 })],
  ['POST', (ids) => `/api/analytics/projects/${ids.project}/similarity-matrix`, () => ({})],
  ['GET', (ids) => `/api/analytics/projects/${ids.project}/embedding-stats`],
  ['GET', (ids) => `/api/analytics/projects/${ids.project}/chunks`],
  ['GET', (ids) => `/api/analytics/projects/${ids.project}/chunks/export`],
  ['GET', (ids) => `/api/analytics/projects/${ids.project}/progress/00000000-0000-4000-8000-000000000000`],
];
/** Changes of documents and settings: editors and owners, not viewers. */
const WRITES: Row[] = [
  ['PUT', (ids) => `/api/projects/${ids.project}`, () => ({ settings: { retrieval_k: 4 } })],
  ['POST', (ids) => `/api/projects/${ids.project}/documents`, () => undefined],
  ['POST', (ids) => `/api/projects/${ids.project}/documents/bulk`, () => undefined],
  ['PATCH', (ids) => `/api/documents/${ids.document}`, () => ({ filename: 'renamed.txt' })],
  ['POST', (ids) => `/api/documents/${ids.document}/reprocess`],
  ['DELETE', (ids) => `/api/documents/${ids.document}`],
  ['POST', () => '/api/documents/bulk-delete', (ids) => ({ document_ids: [ids.document] })],
];
/** Renaming or deleting the project and managing members: owners only. */
const OWNER_WRITES: Row[] = [
  ['PUT', (ids) => `/api/projects/${ids.project}`, () => ({ name: 'Taken over' })],
  ['DELETE', (ids) => `/api/projects/${ids.project}`],
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
  ['PUT', (ids) => `/api/chats/${ids.chat}`, () => ({ model: 'llama3.2:latest' })],
  ['PUT', (ids) => `/api/chats/${ids.chat}/messages/${ids.message}/active`],
  ['PUT', (ids) => `/api/chats/${ids.chat}/messages/${ids.message}/feedback`, () => ({ feedback: 'up' })],
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
  ['GET', () => '/api/maintenance/stats/storage'],
  ['GET', () => '/api/maintenance/status'],
  ['POST', () => '/api/maintenance/recalculate-counts'],
  ['POST', () => '/api/maintenance/cleanup/vectorstore'],
  ['GET', () => '/metrics'],
];
const SOCKET_EVENTS: Array<[event: string, payload: (ids: Ids) => unknown]> = [
  ['join_project', (ids) => ({ project_id: ids.project })],
  ['join_chat', (ids) => ({ chat_id: ids.chat })],
  ['send_message', (ids) => ({ chat_id: ids.chat, message: 'hello' })],
  ['stop_generation', (ids) => ({ chat_id: ids.chat })],
  ['resume_message', (ids) => ({ chat_id: ids.chat, after_seq: 0 })],
  ['regenerate_message', (ids) => ({ chat_id: ids.chat, message_id: ids.message })],
  ['edit_message', (ids) => ({ chat_id: ids.chat, message_id: ids.message, message: 'edited' })],
  ['continue_message', (ids) => ({ chat_id: ids.chat, message_id: ids.message })],
];
/** Events that name nothing of anyone's (leave is idempotent, ping echoes). */
const FREE_EVENTS = ['leave_project', 'leave_chat', 'ping'];
/** Routes that name no project, chat or document: the account's own, or the instance's. */
const NOT_PER_PROJECT =
  /^\/(health|docs)|^\/api\/(auth|session|users|settings|llm|health)(\/|$)|^\/api\/projects\/?$|^\/api\/projects\/import$|^\/api\/chats\/?$|^\/api\/documents\/bulk-delete$|^\/$/;

describe('accounts: one table over every route and event', () => {
  let server: TestServer;
  let admin: SignedInUser;
  let alice: SignedInUser;
  let bob: SignedInUser;
  let carol: SignedInUser;
  let dave: SignedInUser;
  let ids: Ids;

  beforeAll(async () => {
    server = await startAccountsServer();
    admin = await login(server, ADMIN.email, ADMIN.password);
    alice = await addUser(server, admin, 'alice@example.test');
    bob = await addUser(server, admin, 'bob@example.test');
    carol = await addUser(server, admin, 'carol@example.test');
    dave = await addUser(server, admin, 'dave@example.test');
    const project = await server.api('POST', '/api/projects', { name: 'Alice only' }, alice.headers);
    expect(project.status).toBe(201);
    const chat = await server.api('POST', '/api/chats', { project_id: project.body.id }, alice.headers);
    const upload = await uploadText(server, alice, project.body.id, 'The vault code is 4711.');
    expect(upload.status).toBe(201);
    expect((await uploadText(server, alice, project.body.id, 'The garden gate opens at dawn.', 'garden.txt')).status).toBe(201);
    // The analytics routes need the project embedded (the fake Ollama embeds): wait for it.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const embeddings = await server.api('GET', `/api/analytics/projects/${project.body.id}/embeddings`, undefined, alice.headers);
      if (embeddings.status === 200 && new Set(embeddings.body.embeddings?.map((e: { document_id: number }) => e.document_id)).size >= 2)
        break;
      if (Date.now() > deadline) throw new Error(`the project was not embedded in time: ${JSON.stringify(embeddings.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answer = await server.api('POST', `/api/chats/${chat.body.id}/messages`, { message: 'What is the vault code?' }, alice.headers);
    expect(answer.status).toBe(200);
    ids = {
      project: project.body.id,
      chat: chat.body.id,
      document: upload.body.document.id,
      alice: alice.id,
      message: answer.body.message_id,
    };
    const member = await server.api('PUT', `/api/projects/${ids.project}/members/${carol.id}`, { role: 'viewer' }, alice.headers);
    expect(member.status).toBe(200);
    const editor = await server.api('PUT', `/api/projects/${ids.project}/members/${dave.id}`, { role: 'editor' }, alice.headers);
    expect(editor.status).toBe(200);
  });
  afterAll(async () => server?.close());

  const call = (user: SignedInUser, [method, path, body]: Row) => server.api(method, path(ids), body?.(ids), user.headers);

  const label = (row: Row) => `${row[0]} ${row[1](ids)}`;

  it('covers every route of the API that names a project, chat or document, and every socket event', async () => {
    const spec = await server.api('GET', '/docs/json', undefined, admin.headers);
    expect(spec.status).toBe(200);
    const sample: Ids = { project: 101, chat: 202, document: 303, alice: 404, message: 505 };
    const concrete = (template: string) =>
      template
        .replace('{project_id}', String(sample.project))
        .replace('{chat_id}', String(sample.chat))
        .replace('{document_id}', String(sample.document))
        .replace('{user_id}', String(sample.alice))
        .replace('{message_id}', String(sample.message))
        .replace('{model_name}', 'tiny')
        .replace('{key_id}', '1')
        .replace('{progress_id}', '00000000-0000-4000-8000-000000000000');
    const inTable = new Set(
      [...READS, ...WRITES, ...OWNER_WRITES, ...CHAT_ROUTES, ...ADMIN_ONLY].map(
        ([method, path]) => `${method} ${path(sample).split('?')[0]}`,
      ),
    );
    const missing: string[] = [];
    for (const [template, operations] of Object.entries(spec.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(operations)) {
        const route = `${method.toUpperCase()} ${concrete(template)}`;
        if (method === 'head' || inTable.has(route) || NOT_PER_PROJECT.test(template)) continue;
        missing.push(`${method.toUpperCase()} ${template}`);
      }
    }
    expect(missing).toEqual([]);
    const { clientEventSchemas } = await import('../../../src/protocol/socket-events.ts');
    expect(Object.keys(clientEventSchemas).sort()).toEqual([...SOCKET_EVENTS.map(([event]) => event), ...FREE_EVENTS].sort());
  });

  it('answers 401 without credentials', async () => {
    for (const row of [...READS, ...WRITES, ...OWNER_WRITES, ...CHAT_ROUTES]) {
      expect((await server.api(row[0], row[1](ids), row[2]?.(ids))).status, `${row[0]} ${row[1](ids)}`).toBe(401);
    }
  });

  it("as Bob, Alice's project, documents and chat do not exist (404), and her project is not listed", async () => {
    for (const row of [...READS, ...WRITES, ...OWNER_WRITES, ...CHAT_ROUTES]) {
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
    for (const row of READS) expect((await call(carol, row)).status, label(row)).toBeLessThan(300);
    for (const row of [...WRITES, ...OWNER_WRITES]) expect((await call(carol, row)).status, label(row)).toBe(403);
    expect((await uploadText(server, carol, ids.project, 'more')).status).toBe(403);
    for (const row of CHAT_ROUTES) expect((await call(carol, row)).status, `${row[0]} ${row[1](ids)}`).toBe(404);
    const own = await server.api('POST', '/api/chats', { project_id: ids.project }, carol.headers);
    expect(own.status).toBe(201);
    const chats = await server.api('GET', `/api/projects/${ids.project}/chats`, undefined, carol.headers);
    expect(chats.body.map((chat: { id: number }) => chat.id)).toEqual([own.body.id]);
  });

  it('admin-only routes are 403 for a plain user, whatever their project roles', async () => {
    for (const user of [bob, carol, dave]) {
      for (const row of ADMIN_ONLY) expect((await call(user, row)).status, label(row)).toBe(403);
    }
  });

  it('each project lists the asking user its role (my_role): admins own everything', async () => {
    const roleFor = async (user: SignedInUser) =>
      (await server.api('GET', `/api/projects/${ids.project}`, undefined, user.headers)).body.my_role;
    expect(await roleFor(alice)).toBe('owner');
    expect(await roleFor(carol)).toBe('viewer');
    expect(await roleFor(dave)).toBe('editor');
    expect(await roleFor(admin)).toBe('owner');
    const listed = await server.api('GET', '/api/projects', undefined, carol.headers);
    expect(listed.body.map((project: { id: number; my_role: string }) => [project.id, project.my_role])).toEqual([[ids.project, 'viewer']]);
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
          payload({ project: 999_999, chat: 999_999, document: 999_999, alice: 999_999, message: 999_999 }),
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

  // Last: the editor's writes go through (they rename, reprocess and delete Alice's document).
  it('as Dave (editor), owner-only changes are 403; document and settings changes go through', async () => {
    for (const row of OWNER_WRITES) expect((await call(dave, row)).status, label(row)).toBe(403);
    for (const row of READS) expect((await call(dave, row)).status, label(row)).toBeLessThan(300);
    for (const row of WRITES) expect([403, 404], label(row)).not.toContain((await call(dave, row)).status);
    expect((await uploadText(server, dave, ids.project, 'Editors may add notes.', 'dave.txt')).status).toBe(201);
    for (const row of CHAT_ROUTES) expect((await call(dave, row)).status, label(row)).toBe(404);
  });
});
