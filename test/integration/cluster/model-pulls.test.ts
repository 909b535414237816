import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOllama } from '../../support/fake-ollama.ts';
import { type ServerProcess, startServerProcess } from '../../support/server-process.ts';
import { type ClientSocket, connect, waitFor } from '../../support/socket-client.ts';

/**
 * Model downloads with `--workers 2` (AUTH_MODE=none: every socket hears `model_pull_progress`).
 * Sticky's round-robin gives each new connection without a sid to the next worker, so requests made
 * one after the other alternate between the two workers: the second request for a download reaches
 * the worker that does not run it.
 */
describe('--workers 2: model downloads are joined, watched and cancelled from any worker', () => {
  let ollama: FakeOllama;
  let server: ServerProcess;
  let dataDir: string;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    ollama = await new FakeOllama().start();
    // 60 steps of 100 ms: a download that runs for a while.
    ollama.pullChunks = 60;
    ollama.pullDelayMs = 100;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-workers-pulls-'));
    server = await startServerProcess(
      { DATA_DIR: dataDir, OLLAMA_HOST: ollama.url, LLM_PROVIDER: 'ollama', WORKERS: '2' },
      { startTimeoutMs: 90_000 },
    );
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.kill('SIGTERM');
    await ollama?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function api(method: string, urlPath: string, body?: unknown) {
    const response = await fetch(`${server.url}${urlPath}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('one download per model across workers, progress everywhere, cancel from the other worker', async () => {
    // Two handshakes in a row: one socket on each worker.
    for (let index = 0; index < 2; index += 1) sockets.push(await connect(server.url));
    const heardEverywhere = sockets.map((socket) =>
      waitFor(socket, 'model_pull_progress', (progress) => progress.model_name === 'alpha' && progress.percent > 0, 20_000),
    );

    // 1. Started on one worker, asked again twice: the next two requests alternate workers; both join.
    const first = await api('POST', '/api/settings/models/pull', { model_name: 'alpha' });
    expect(first.status).toBe(202);
    expect(first.body.joined).toBe(false);
    for (let index = 0; index < 2; index += 1) {
      const again = await api('POST', '/api/settings/models/pull', { model_name: 'alpha' });
      expect(again.status).toBe(202);
      expect(again.body).toMatchObject({ model_name: 'alpha', joined: true, done: false });
    }
    expect(ollama.requestsTo('/api/pull')).toHaveLength(1);

    // 2. Both workers' sockets hear its progress, and both workers report it over REST.
    await Promise.all(heardEverywhere);
    for (let index = 0; index < 2; index += 1) {
      const state = await api('GET', '/api/settings/models/pull/alpha');
      expect(state.status).toBe(200);
      expect(state.body).toMatchObject({ model_name: 'alpha', done: false });
      expect((await api('GET', '/api/settings/models/pulls')).body.map((pull: any) => pull.model_name)).toContain('alpha');
    }

    // 3. Two downloads, then two cancels shifted by one request: each cancel reaches the worker that
    //    does not run that download, which tells the owner; the owner hangs up on Ollama.
    const beta = await api('POST', '/api/settings/models/pull', { model_name: 'beta' });
    expect(beta.body.joined).toBe(false);
    const ended = sockets.map((socket) =>
      Promise.all(
        ['alpha', 'beta'].map((name) =>
          waitFor(socket, 'model_pull_progress', (progress) => progress.model_name === name && progress.done, 20_000),
        ),
      ),
    );
    await api('GET', '/api/settings/models/pulls');
    for (const name of ['alpha', 'beta']) {
      const cancelled = await api('DELETE', `/api/settings/models/pull/${name}`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ model_name: name, status: 'cancelled', done: true });
    }
    for (const finals of await Promise.all(ended)) {
      expect(finals.map((progress) => progress.status)).toEqual(['cancelled', 'cancelled']);
      expect(finals.every((progress) => progress.percent < 100)).toBe(true);
    }

    // 4. Both workers agree it is over; a cancel of nothing running is 404 on either.
    for (let index = 0; index < 2; index += 1) {
      expect((await api('GET', '/api/settings/models/pull/alpha')).body).toMatchObject({ status: 'cancelled', done: true });
      expect((await api('DELETE', '/api/settings/models/pull/beta')).status).toBe(404);
    }
    expect(ollama.requestsTo('/api/pull')).toHaveLength(2);
  }, 120_000);

  it('/metrics through either worker has both workers’ series; both are ready', async () => {
    for (let index = 0; index < 2; index += 1) {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      const instances = new Set([...text.matchAll(/daa_running_answers\{instance="([^"]+)"\}/g)].map((match) => match[1]));
      expect([...instances].sort()).toEqual([expect.stringMatching(/:worker-1$/), expect.stringMatching(/:worker-2$/)]);
      expect((await fetch(`${server.url}/api/health/ready`)).status).toBe(200);
    }
  }, 60_000);
});
