import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../../src/server/app-server.ts';
import { createWebRootFixture } from '../../support/web-root-fixture.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

const token = 'token-mode-test-token-0123456789';
const auth = { authorization: `Bearer ${token}` };

describe('token mode: what is open and what is not', () => {
  let server: TestServer;
  let webRoot: ReturnType<typeof createWebRootFixture>;
  const lines: string[] = [];
  beforeAll(async () => {
    webRoot = createWebRootFixture();
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    server = await startTestServer(
      { API_TOKEN: token, SERVE_WEB: 'true' },
      { webRoot: webRoot.root, logger: pino(loggerOptions('trace'), sink) },
    );
  });
  afterAll(async () => {
    await server?.close();
    webRoot?.remove();
  });

  it('puts the API docs and source maps behind the token; the app shell stays open', async () => {
    for (const urlPath of [
      '/docs',
      '/docs/',
      '/docs/json',
      '/docs/yaml',
      '/docs/static/index.html',
      '/assets/app.js.map',
      '/%64ocs/json',
    ]) {
      const response = await server.api('GET', urlPath);
      expect(response.status, urlPath).toBe(401);
      expect(JSON.stringify(response.body)).not.toContain('SOURCEMAPCANARY');
    }
    expect((await server.api('GET', '/docs/json', undefined, auth)).body.openapi).toMatch(/^3\./);
    expect((await server.api('GET', '/assets/app.js.map', undefined, auth)).body.sources).toEqual(['SOURCEMAPCANARY.tsx']);
    for (const urlPath of ['/', '/index.html', '/assets/app.js', '/projects/3']) {
      expect((await server.api('GET', urlPath)).status, urlPath).toBe(200);
    }
  });

  it('tells an unauthenticated caller only the status of /api/health and /health', async () => {
    expect(await server.api('GET', '/api/health')).toMatchObject({
      status: 200,
      body: { status: expect.stringMatching(/^(ok|degraded)$/) },
    });
    expect(Object.keys((await server.api('GET', '/api/health')).body)).toEqual(['status']);
    expect(
      (await server.api('GET', '/api/health', undefined, { authorization: 'Bearer wrong-token-wrong-token' })).body,
    ).not.toHaveProperty('version');
    expect((await server.api('GET', '/health')).body).toEqual({ status: 'healthy' });

    const details = await server.api('GET', '/api/health', undefined, auth);
    expect(details.body).toMatchObject({ version: expect.any(String), llm_server: expect.any(Object), connections: expect.any(Number) });
    expect((await server.api('GET', '/health', undefined, auth)).body).toMatchObject({ status: 'healthy', version: expect.any(String) });
  });

  it('redacts tokens sent in a query string from the request log', async () => {
    const query =
      '?token=QSCANARY1&access_token=QSCANARY2&api_key=QSCANARY3&apiKey=QSCANARY4&x-amz-signature=QSCANARY5&%74oken=QSCANARY6&skip=0';
    for (const withToken of [false, true]) {
      await server.api('GET', `/api/projects${query}`, undefined, withToken ? auth : {});
    }
    await server.api('GET', `/docs/json${query}`);
    const log = lines.join('');
    expect(log).toContain('/api/projects?token=[redacted]');
    expect(log).toContain('&skip=0');
    expect(log).not.toMatch(/QSCANARY/);
    expect(log).not.toContain(token);
  });
});

describe('open mode (no API_TOKEN)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('keeps the docs and the health details open', async () => {
    expect((await server.api('GET', '/docs/json')).status).toBe(200);
    expect((await server.api('GET', '/api/health')).body).toHaveProperty('version');
    expect((await server.api('GET', '/health')).body).toHaveProperty('version');
  });
});
