import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { createWebRootFixture } from '../../support/web-root-fixture.ts';

/** One HTTP request with exactly the headers given (fetch would not send a foreign `Host`). */
function rawRequest(options: { port: number; method?: string; path: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A raw WebSocket upgrade request; resolves with the status line's code (101 when accepted). */
function upgradeStatus(options: { port: number; path: string; host: string; origin?: string }) {
  return new Promise<number>((resolve, reject) => {
    const socket = net.connect(options.port, '127.0.0.1', () => {
      socket.write(
        [
          `GET ${options.path} HTTP/1.1`,
          `Host: ${options.host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          ...(options.origin ? [`Origin: ${options.origin}`] : []),
          '',
          '',
        ].join('\r\n'),
      );
    });
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const statusLine = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (statusLine) {
        socket.destroy();
        resolve(Number(statusLine[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(0));
  });
}

/** Opens an Engine.IO polling session with an allowed Host; returns its sid. */
async function pollingSession(port: number): Promise<string> {
  const handshake = await rawRequest({ port, path: '/socket.io/?EIO=4&transport=polling', headers: { host: `127.0.0.1:${port}` } });
  expect(handshake.status).toBe(200);
  return JSON.parse(handshake.body.slice(1)).sid as string;
}

describe('DNS rebinding: a foreign Host is refused everywhere', () => {
  let server: TestServer;
  const webRoot = createWebRootFixture();
  afterEach(async () => server?.close());
  afterAll(() => webRoot.remove());

  it('refuses REST, docs, static files and every Socket.IO request with a foreign Host', async () => {
    server = await startTestServer({ SERVE_WEB: 'true' }, { webRoot: webRoot.root });
    const { port } = server;
    const foreign = `rebind.evil:${port}`;
    await server.api('POST', '/api/projects', { name: 'Secret project' });

    // 1. REST, API docs, the web app's files and its client-side routes.
    for (const urlPath of ['/api/projects', '/api/health', '/health', '/docs/json', '/', '/index.html', '/assets/app.js', '/projects/1']) {
      const refused = await rawRequest({ port, path: urlPath, headers: { host: foreign } });
      expect(refused.status, urlPath).toBe(403);
      expect(refused.body).not.toContain('Secret project');
      const allowed = await rawRequest({ port, path: urlPath, headers: { host: `localhost:${port}` } });
      expect(allowed.status, urlPath).toBe(200);
    }
    // A rebinding page's own "same-origin" POST carries its Origin; still the Host decides.
    const planted = await rawRequest({
      port,
      method: 'POST',
      path: '/api/projects',
      headers: { host: foreign, origin: `http://${foreign}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'planted' }),
    });
    expect(planted.status).toBe(403);

    // 2. Socket.IO polling handshake.
    expect((await rawRequest({ port, path: '/socket.io/?EIO=4&transport=polling', headers: { host: foreign } })).status).toBe(403);

    // 3. Polls and posts on an existing session: engine.io's allowRequest only runs at the handshake.
    const sid = await pollingSession(port);
    const sessionPath = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    const post = await rawRequest({
      port,
      method: 'POST',
      path: sessionPath,
      headers: { host: foreign, 'content-type': 'text/plain;charset=UTF-8' },
      body: '40',
    });
    expect(post.status).toBe(403);
    const poll = await rawRequest({ port, path: sessionPath, headers: { host: foreign } });
    expect(poll.status).toBe(403);
    // A foreign page posting into the session with a good Host but its own Origin is refused too.
    const foreignOrigin = await rawRequest({
      port,
      method: 'POST',
      path: sessionPath,
      headers: { host: `127.0.0.1:${port}`, origin: 'https://evil.example', 'content-type': 'text/plain;charset=UTF-8' },
      body: '40',
    });
    expect(foreignOrigin.status).toBe(403);
    // The session itself is untouched: its owner (right Host, no Origin) can still use it.
    const own = await rawRequest({
      port,
      method: 'POST',
      path: sessionPath,
      headers: { host: `127.0.0.1:${port}`, 'content-type': 'text/plain;charset=UTF-8' },
      body: '40',
    });
    expect(own).toEqual({ status: 200, body: 'ok' });

    // 4. WebSocket upgrades: a new session, and an upgrade of the polling session.
    expect(await upgradeStatus({ port, path: '/socket.io/?EIO=4&transport=websocket', host: foreign })).toBe(403);
    expect(await upgradeStatus({ port, path: `/socket.io/?EIO=4&transport=websocket&sid=${sid}`, host: foreign })).toBe(403);
    expect(await upgradeStatus({ port, path: '/socket.io/?EIO=4&transport=websocket', host: `[::1]:${port}` })).toBe(101);

    expect((await server.api('GET', '/api/projects')).body.map((project: { name: string }) => project.name)).toEqual(['Secret project']);
  });

  it('answers the names in ALLOWED_HOSTS, same-origin pages on them included', async () => {
    server = await startTestServer({ ALLOWED_HOSTS: 'chat.lan, Other.Lan:9999' });
    const { port } = server;
    const created = await rawRequest({
      port,
      method: 'POST',
      path: '/api/projects',
      headers: { host: `chat.lan:${port}`, origin: `http://chat.lan:${port}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'from chat.lan' }),
    });
    expect(created.status).toBe(201);
    expect((await rawRequest({ port, path: '/api/projects', headers: { host: 'other.lan' } })).status).toBe(200);
    expect(
      (
        await rawRequest({
          port,
          path: '/socket.io/?EIO=4&transport=polling',
          headers: { host: `chat.lan:${port}`, origin: `http://chat.lan:${port}` },
        })
      ).status,
    ).toBe(200);
    expect(
      await upgradeStatus({
        port,
        path: '/socket.io/?EIO=4&transport=websocket',
        host: `chat.lan:${port}`,
        origin: `http://chat.lan:${port}`,
      }),
    ).toBe(101);
    expect((await rawRequest({ port, path: '/api/projects', headers: { host: `chat.lan.evil:${port}` } })).status).toBe(403);
  });
});
