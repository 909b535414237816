import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, addUser, login, startAccountsServer } from '../accounts/accounts-support.ts';
import { uploadDocument } from '../../support/documents.ts';
import { ask, connect } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

/** The value of one series in a Prometheus text, or undefined when it is not there. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('/metrics and the health probes (one process)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('counts an answer, a socket and an ingestion, labelled by instance', { timeout: 90_000 }, async () => {
    const { projectId, chatId } = await createProjectAndChat(server);
    server.ollama.defaultScript = { tokenCount: 12 };
    const socket = await connect(server.url);
    try {
      // 1. One answer: a retrieval, a first token, its token events; the socket is counted while open.
      const answer = await ask(socket, { chat_id: chatId, message: 'hello' });
      expect(answer.complete?.metadata.status).toBe('complete');
      const tokenEvents = answer.events.filter(([name]) => name === 'message_token').length;
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      const instance = /daa_running_answers\{instance="([^"]+)"\}/.exec(text)?.[1];
      expect(instance).toMatch(new RegExp(`:${process.pid}$`));
      expect(sample(text, 'daa_tokens_streamed_total')).toBe(tokenEvents);
      expect(sample(text, 'daa_retrieval_seconds_count')).toBe(1);
      expect(sample(text, 'daa_first_token_seconds_count')).toBe(1);
      expect(sample(text, 'daa_socket_connections')).toBe(1);
      expect(sample(text, 'daa_running_answers')).toBe(0);
      expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'daa_ingest_queue_depth')).toBe(0);
    } finally {
      socket.disconnect();
    }

    // 2. One document through parsing, chunking, indexing: each stage's time is observed once.
    const uploaded = await uploadDocument(server, projectId, { filename: 'notes.md', content: '# Notes\n\nSome text about metrics.\n' });
    expect(uploaded.status).toBe(201);
    await waitUntil(async () => (await server.api('GET', `/api/documents/${uploaded.body.document.id}`)).body.status === 'completed');
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(text, 'daa_ingest_stage_seconds_count', { stage: 'parsing' })).toBe(1);
    expect(sample(text, 'daa_ingest_stage_seconds_count', { stage: 'indexing' })).toBe(1);
    expect(sample(text, 'daa_socket_connections')).toBe(0);
  });

  it('live is 200 while the process runs; ready is 200 when serving and 503 once the store is gone; /api/health keeps its shape', async () => {
    expect(await (await fetch(`${server.url}/api/health/live`)).json()).toEqual({ status: 'alive' });
    const ready = await fetch(`${server.url}/api/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const health = await server.api('GET', '/api/health');
    expect(health.status).toBe(200);
    expect(Object.keys(health.body)).toEqual(
      expect.arrayContaining(['status', 'version', 'database_status', 'ollama_status', 'active_generations', 'connections']),
    );

    // The store closed under the running server: not ready, still alive.
    await server.store.close();
    const notReady = await fetch(`${server.url}/api/health/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: 'unavailable', detail: 'The database cannot be reached' });
    expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
  });
});

describe('/metrics is guarded like the API', () => {
  it('API_TOKEN: 401 without the token, 200 with it; the probes need none', async () => {
    const token = 'metrics-test-token-0123456789';
    const server = await startTestServer({ API_TOKEN: token });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const withToken = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(withToken.status).toBe(200);
      expect(await withToken.text()).toContain('daa_running_answers');
      expect((await fetch(`${server.url}/api/health/live`)).status).toBe(200);
      expect((await fetch(`${server.url}/api/health/ready`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('accounts: 401 signed out, 403 for a user, 200 for an admin', async () => {
    const server = await startAccountsServer();
    try {
      const admin = await login(server, ADMIN.email, ADMIN.password);
      const user = await addUser(server, admin, 'reader@example.test');
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${server.url}/metrics`, { headers: user.headers })).status).toBe(403);
      expect((await fetch(`${server.url}/metrics`, { headers: admin.headers })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
