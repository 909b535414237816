import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/server/app-server.ts';
import { DocumentStatusLog, joinProject } from '../support/documents.ts';
import { ask, connect } from '../support/socket-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { ADMIN, login, startAccountsServer } from './accounts/accounts-support.ts';

describe('logs', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('never contain document text, questions, answers or the API token, even at trace level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const token = 'canary-token-0123456789abcdef';
    server = await startTestServer({ API_TOKEN: token }, { logger: pino(loggerOptions('trace'), sink) });
    const auth = { authorization: `Bearer ${token}` };
    const socket = await connect(server.url, { auth: { token } });
    const log = new DocumentStatusLog(socket);
    const project = await server.api('POST', '/api/projects', { name: 'Private' }, auth);
    const chat = await server.api('POST', '/api/chats', { project_id: project.body.id }, auth);
    await joinProject(socket, project.body.id);

    const upload = await fetch(`${server.url}/api/projects/${project.body.id}/documents`, {
      method: 'POST',
      headers: auth,
      body: (() => {
        const form = new FormData();
        form.append('file', new Blob(['The vault code is CANARYDOCTEXT4711 and nobody may know it.']), 'secret.txt');
        return form;
      })(),
    });
    expect(upload.status).toBe(201);
    await log.until((await upload.json()).document.id);
    server.ollama.queue({ tokens: ['CANARYANSWER ', 'text'] });
    const answer = await ask(socket, { chat_id: chat.body.id, message: 'What is CANARYQUESTION the vault code?' });
    expect(answer.complete).toBeDefined();
    // A failure path logs too.
    server.ollama.queue({ status: 500, errorMessage: 'boom' });
    await ask(socket, { chat_id: chat.body.id, message: 'CANARYQUESTION again' });
    socket.disconnect();
    await server.close();

    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    expect(all).toContain('[redacted]');
    for (const canary of ['CANARYDOCTEXT4711', 'CANARYQUESTION', 'CANARYANSWER', token]) expect(all).not.toContain(canary);
  });

  it('never puts a password, hash or token in a response body or a log line', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    server = await startAccountsServer({}, { logger: pino(loggerOptions('trace'), sink) });
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const password = 'CANARYPASSWORD-4711';
    const bodies: string[] = [];
    const created = await server.api('POST', '/api/users', { email: 'canary@example.test', password, role: 'user' }, admin.headers);
    bodies.push(JSON.stringify(created.body));
    const canary = await login(server, 'canary@example.test', password);
    const key = await server.api('POST', '/api/auth/keys', { name: 'k' }, canary.headers);
    bodies.push(JSON.stringify((await server.api('GET', '/api/users', undefined, admin.headers)).body));
    bodies.push(JSON.stringify((await server.api('GET', '/api/auth/me', undefined, canary.headers)).body));
    bodies.push(JSON.stringify((await server.api('GET', '/api/auth/keys', undefined, canary.headers)).body));
    bodies.push(
      JSON.stringify(
        (await server.api('PATCH', '/api/auth/me', { password: 'CANARYNEWPASSWORD-1', current_password: password }, canary.headers)).body,
      ),
    );
    await server.api('POST', '/api/auth/login', { email: 'canary@example.test', password: 'CANARYWRONG-1' });
    const socket = await connect(server.url, { auth: { token: key.body.key } });
    socket.disconnect();
    // A socket with a revoked-looking but wrong token, and one with a password as its token: refused, not logged.
    await expect(connect(server.url, { auth: { token: `daa_s_${'C'.repeat(43)}` } })).rejects.toThrow();
    await expect(connect(server.url, { auth: { token: password } })).rejects.toThrow();
    // The web app's way in: the session as a cookie on REST calls.
    const web = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
    });
    const webToken = ((await web.json()) as { access_token: string }).access_token;
    const cookie = web.headers.get('set-cookie')!.split(';')[0]!;
    const byCookie = await fetch(`${server.url}/api/auth/me`, { headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    expect(byCookie.status).toBe(200);
    bodies.push(await byCookie.text());
    // Every other route that touches users or memberships: an admin resets a password, a project's members, logout.
    const canaryId = canary.id;
    const reset = 'CANARYRESETPASSWORD-2';
    bodies.push(JSON.stringify((await server.api('PATCH', `/api/users/${canaryId}`, { password: reset }, admin.headers)).body));
    const project = await server.api('POST', '/api/projects', { name: 'Members' }, admin.headers);
    bodies.push(JSON.stringify(project.body));
    bodies.push(
      JSON.stringify(
        (await server.api('PUT', `/api/projects/${project.body.id}/members/${canaryId}`, { role: 'viewer' }, admin.headers)).body,
      ),
    );
    bodies.push(JSON.stringify((await server.api('GET', `/api/projects/${project.body.id}/members`, undefined, admin.headers)).body));
    bodies.push(JSON.stringify((await server.api('GET', '/api/auth/mode')).body));
    bodies.push(JSON.stringify((await server.api('DELETE', `/api/auth/keys/${key.body.id}`, undefined, canary.headers)).body ?? ''));
    bodies.push(JSON.stringify((await server.api('POST', '/api/auth/logout', undefined, admin.headers)).body ?? ''));
    const tokens = [canary.token, key.body.key, admin.token, webToken];
    // Through the Store contract, not SQL: the same check holds on either engine.
    const stored = await server.store.users.findByEmailWithSecret('canary@example.test');
    await server.close();

    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    // Nor the stored form of a token (its sha256), which would let a log reader look sessions up.
    const tokenHashes = tokens.map((token) => createHash('sha256').update(token).digest('hex'));
    for (const secret of [password, 'CANARYNEWPASSWORD-1', 'CANARYWRONG-1', reset, ADMIN.password, ...tokens, ...tokenHashes, cookie]) {
      expect(all).not.toContain(secret);
      for (const body of bodies) expect(body).not.toContain(secret);
    }
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(all).not.toContain(stored!.passwordHash.split('$').at(-1));
    for (const body of bodies) expect(body).not.toMatch(/scrypt\$/);
  });
});
