import { afterEach, describe, expect, it } from 'vitest';
import { joinProject } from '../../support/documents.ts';
import { connect, recordEvents, waitFor } from '../../support/socket-client.ts';
import type { TestServer } from '../../support/test-server.ts';
import { addUser, ADMIN, login, startAccountsServer, uploadText } from './accounts-support.ts';

describe('accounts: live revocation and limits', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('removing a member takes their socket out of the project room at once; it hears nothing more', async () => {
    server = await startAccountsServer();
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const alice = await addUser(server, admin, 'alice@example.test');
    const bob = await addUser(server, admin, 'bob@example.test');
    const project = await server.api('POST', '/api/projects', { name: 'Shared' }, alice.headers);
    await server.api('PUT', `/api/projects/${project.body.id}/members/${bob.id}`, { role: 'editor' }, alice.headers);
    const socket = await connect(server.url, { auth: { token: bob.token } });
    await joinProject(socket, project.body.id);
    const events = recordEvents(socket);

    const left = waitFor(socket, 'project_left');
    expect((await server.api('DELETE', `/api/projects/${project.body.id}/members/${bob.id}`, undefined, alice.headers)).status).toBe(204);
    expect(await left).toEqual({ project_id: project.body.id, reason: 'access_revoked' });

    // A later project event reaches Alice's socket but not Bob's.
    const aliceSocket = await connect(server.url, { auth: { token: alice.token } });
    await joinProject(aliceSocket, project.body.id);
    const created = waitFor(aliceSocket, 'project_update', (update) => update.type === 'chat_created');
    await server.api('POST', '/api/chats', { project_id: project.body.id }, alice.headers);
    await created;
    const pong = waitFor(socket, 'pong');
    socket.emit('ping', {});
    await pong;
    expect(events.filter(([name]) => name === 'project_update')).toEqual([]);
    // And joining again is refused like a missing project.
    const again = (await (socket as any).emitWithAck('join_project', { project_id: project.body.id })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(again.error.code).toBe('not_found');
    socket.disconnect();
    aliceSocket.disconnect();
  });

  it('a member removed while an answer streams to them gets no further token of it', async () => {
    server = await startAccountsServer();
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const alice = await addUser(server, admin, 'alice@example.test');
    const bob = await addUser(server, admin, 'bob@example.test');
    const project = await server.api('POST', '/api/projects', { name: 'Shared' }, alice.headers);
    await server.api('PUT', `/api/projects/${project.body.id}/members/${bob.id}`, { role: 'viewer' }, alice.headers);
    const chat = await server.api('POST', '/api/chats', { project_id: project.body.id }, bob.headers);
    expect(chat.status).toBe(201);
    // Bob streams an answer without joining the project room: only the answer reaches him.
    const socket = await connect(server.url, { auth: { token: bob.token } });
    const events = recordEvents(socket);
    server.ollama.queue({ tokenCount: 150, tokenDelayMs: 10 });
    const firstToken = waitFor(socket, 'message_token');
    socket.emit('send_message', { chat_id: chat.body.id, message: 'tell me everything' });
    await firstToken;

    const left = waitFor(socket, 'project_left');
    expect((await server.api('DELETE', `/api/projects/${project.body.id}/members/${bob.id}`, undefined, alice.headers)).status).toBe(204);
    expect(await left).toEqual({ project_id: project.body.id, reason: 'access_revoked' });
    const leftAt = events.findIndex(([name]) => name === 'project_left');

    // The model goes on streaming (or is cut off by the grace period); either way Bob hears none of it.
    const request = server.ollama.requests.find((recorded) => recorded.path === '/api/chat');
    await request!.settled;
    const pong = waitFor(socket, 'pong');
    socket.emit('ping', {});
    await pong;
    expect(events.slice(0, leftAt).some(([name]) => name === 'message_token')).toBe(true);
    expect(events.slice(leftAt + 1).filter(([name]) => name.startsWith('message_'))).toEqual([]);
    // Resuming it is refused like a missing chat.
    const resumed = (await (socket as any).emitWithAck('resume_message', { chat_id: chat.body.id, after_seq: 0 })) as {
      error: { code: string };
    };
    expect(resumed.error.code).toBe('not_found');
    socket.disconnect();
  });

  it('logout, a deleted API key and a disabled user disconnect their sockets; the tokens stop working', async () => {
    server = await startAccountsServer();
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const alice = await addUser(server, admin, 'alice@example.test');

    const sessionSocket = await connect(server.url, { auth: { token: alice.token } });
    const gone = new Promise((resolve) => sessionSocket.once('disconnect', resolve));
    expect((await server.api('POST', '/api/auth/logout', undefined, alice.headers)).status).toBe(204);
    await gone;
    expect((await server.api('GET', '/api/auth/me', undefined, alice.headers)).status).toBe(401);

    const again = await login(server, 'alice@example.test', 'alice@example.test-password');
    const key = await server.api('POST', '/api/auth/keys', { name: 'script' }, again.headers);
    expect(key.status).toBe(201);
    expect((await server.api('GET', '/api/auth/me', undefined, { authorization: `Bearer ${key.body.key}` })).body.email).toBe(
      'alice@example.test',
    );
    expect(JSON.stringify((await server.api('GET', '/api/auth/keys', undefined, again.headers)).body)).not.toContain(key.body.key);
    const keySocket = await connect(server.url, { auth: { token: key.body.key } });
    const keyGone = new Promise((resolve) => keySocket.once('disconnect', resolve));
    expect((await server.api('DELETE', `/api/auth/keys/${key.body.id}`, undefined, again.headers)).status).toBe(204);
    await keyGone;
    expect((await server.api('GET', '/api/auth/me', undefined, { authorization: `Bearer ${key.body.key}` })).status).toBe(401);

    const userSocket = await connect(server.url, { auth: { token: again.token } });
    const userGone = new Promise((resolve) => userSocket.once('disconnect', resolve));
    expect((await server.api('PATCH', `/api/users/${again.id}`, { disabled: true }, admin.headers)).status).toBe(200);
    await userGone;
    expect((await server.api('GET', '/api/auth/me', undefined, again.headers)).status).toBe(401);
    expect(
      (await server.api('POST', '/api/auth/login', { email: 'alice@example.test', password: 'alice@example.test-password' })).status,
    ).toBe(401);
  });

  it('answers a wrong email and a wrong password alike, and 429 with Retry-After after 10 failures', async () => {
    server = await startAccountsServer();
    const unknown = await server.api('POST', '/api/auth/login', { email: 'nobody@example.test', password: 'whatever-1' });
    const wrong = await server.api('POST', '/api/auth/login', { email: ADMIN.email, password: 'wrong-password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.detail).toBe(wrong.body.detail);
    // Both failures count against this client address: 8 more make 10.
    for (let attempt = 3; attempt <= 10; attempt += 1) {
      expect((await server.api('POST', '/api/auth/login', { email: ADMIN.email, password: `wrong-${attempt}` })).status).toBe(401);
    }
    const limited = await server.api('POST', '/api/auth/login', { email: ADMIN.email, password: ADMIN.password });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.detail).toMatch(/try again in/);
  });

  it('limits uploads per user per minute with 429 and Retry-After; another user has a count of their own', async () => {
    server = await startAccountsServer({ RATE_LIMIT_UPLOADS_PER_MINUTE: 2 });
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const alice = await addUser(server, admin, 'alice@example.test');
    const project = await server.api('POST', '/api/projects', { name: 'Uploads' }, admin.headers);
    await server.api('PUT', `/api/projects/${project.body.id}/members/${alice.id}`, { role: 'editor' }, admin.headers);
    expect((await uploadText(server, admin, project.body.id, 'first', 'one.txt')).status).toBe(201);
    expect((await uploadText(server, admin, project.body.id, 'second', 'two.txt')).status).toBe(201);
    const form = new FormData();
    form.append('file', new Blob(['third']), 'three.txt');
    const refused = await fetch(`${server.url}/api/projects/${project.body.id}/documents`, {
      method: 'POST',
      headers: admin.headers,
      body: form,
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/at most 2 a minute\); try again in \d+ s/);
    expect((await uploadText(server, alice, project.body.id, 'hers', 'hers.txt')).status).toBe(201);
  });

  it('limits messages per user per minute with an error that says when to retry', async () => {
    server = await startAccountsServer({ RATE_LIMIT_MESSAGES_PER_MINUTE: 1 });
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const project = await server.api('POST', '/api/projects', { name: 'Chatty' }, admin.headers);
    const chat = await server.api('POST', '/api/chats', { project_id: project.body.id }, admin.headers);
    const socket = await connect(server.url, { auth: { token: admin.token } });
    server.ollama.queue({ tokens: ['one'] });
    const complete = waitFor(socket, 'message_complete');
    socket.emit('send_message', { chat_id: chat.body.id, message: 'first' });
    await complete;
    const refused = (await (socket as any).emitWithAck('send_message', { chat_id: chat.body.id, message: 'second' })) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(refused.error.code).toBe('rate_limited');
    expect(refused.error.message).toMatch(/try again in \d+ s/);
    socket.disconnect();
  });
});

describe('accounts: who hears what', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('projects_changed reaches the project members and admins only; model downloads reach admins only', async () => {
    server = await startAccountsServer();
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const alice = await addUser(server, admin, 'alice@example.test');
    const bob = await addUser(server, admin, 'bob@example.test');
    const [adminSocket, aliceSocket, bobSocket] = await Promise.all(
      [admin, alice, bob].map((user) => connect(server.url, { auth: { token: user.token } })),
    );
    const bobEvents = recordEvents(bobSocket!);
    const heardByAdmin = waitFor(adminSocket!, 'projects_changed');
    const heardByAlice = waitFor(aliceSocket!, 'projects_changed');
    const project = await server.api('POST', '/api/projects', { name: 'Private plans' }, alice.headers);
    expect((await heardByAlice).project_id).toBe(project.body.id);
    expect((await heardByAdmin).project_id).toBe(project.body.id);
    server.events.publish({ type: 'modelPullProgress', progress: { model_name: 'tiny', status: 'downloading' } as never });
    await waitFor(adminSocket!, 'model_pull_progress');
    // Bob's socket is served in order: after its pong, anything sent before would have arrived.
    const pong = waitFor(bobSocket!, 'pong');
    bobSocket!.emit('ping', {});
    await pong;
    expect(bobEvents.map(([name]) => name).filter((name) => name === 'projects_changed' || name === 'model_pull_progress')).toEqual([]);
    for (const socket of [adminSocket, aliceSocket, bobSocket]) socket!.disconnect();
  });
});
