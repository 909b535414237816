import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOllama } from '../../support/fake-ollama.ts';
import { createTestDatabase, requirePostgres } from '../../support/postgres-database.ts';
import { REDIS_TEST_URL, requireRedis, testRedisPrefix } from '../../support/redis-server.ts';
import { type ServerProcess, startServerProcess } from '../../support/server-process.ts';
import { type ClientSocket, connect, waitFor } from '../../support/socket-client.ts';
import { until } from '../../support/until.ts';

const SUITE = 'two servers on PostgreSQL and Redis: model downloads and analytics progress';
const enabled = (await requirePostgres(SUITE)) && (await requireRedis(SUITE));

const WORDS = 'orchard hive nectar alpine rind brine express platform regional station harbour ferry lantern meadow quarry timber'.split(
  ' ',
);

/** 500 paragraphs of about 90 characters: one chunk each at chunk size 100. */
const PARAGRAPHS = Array.from({ length: 500 }, (_, n) =>
  `Row ${n} ${WORDS[n % 16]} ${WORDS[(n * 7) % 16]} ${WORDS[(n * 3) % 16]}`.padEnd(90, '.'),
).join('\n\n');

/**
 * Two real server processes (A and B) on their own ports, as two machines run them: one PostgreSQL
 * database, one Redis prefix, one files folder. What one process runs, the other joins, watches and
 * cancels.
 */
describe.runIf(enabled)(SUITE, () => {
  let ollama: FakeOllama;
  let database: { url: string; drop: () => Promise<void> };
  let redis: { prefix: string; drop: () => Promise<void> };
  let dataDir: string;
  let a: ServerProcess;
  let b: ServerProcess;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    ollama = await new FakeOllama().start();
    // 60 steps of 100 ms: a download that runs for a while.
    ollama.pullChunks = 60;
    ollama.pullDelayMs = 100;
    database = await createTestDatabase();
    redis = testRedisPrefix('multinode-pulls');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-multinode-pulls-'));
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      REDIS_URL: REDIS_TEST_URL,
      REDIS_PREFIX: redis.prefix,
      OLLAMA_HOST: ollama.url,
      LLM_PROVIDER: 'ollama',
      ANSWER_LEASE_SECONDS: '3',
      // A shared, loaded machine: the time limit is not what is tested here.
      ANALYTICS_TIMEOUT_SECONDS: '600',
    };
    // One after the other: the first runs the migrations.
    a = await startServerProcess(env);
    b = await startServerProcess(env);
  }, 90_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all([a, b].filter(Boolean).map((server) => server.kill('SIGTERM')));
    await ollama?.stop();
    await redis?.drop();
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function api(server: ServerProcess, method: string, urlPath: string, body?: unknown) {
    const response = await fetch(`${server.url}${urlPath}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function open(server: ServerProcess) {
    const socket = await connect(server.url);
    sockets.push(socket);
    return socket;
  }

  it('a download started on A is joined and followed on B, and cancelled from B', async () => {
    // AUTH_MODE=none: every socket hears `model_pull_progress`.
    const onA = await open(a);
    const onB = await open(b);
    const heardOnB = waitFor(onB, 'model_pull_progress', (progress) => progress.model_name === 'alpha' && progress.percent > 0, 20_000);
    const finals = [onA, onB].map((socket) =>
      waitFor(socket, 'model_pull_progress', (progress) => progress.model_name === 'alpha' && progress.done, 30_000),
    );

    // 1. Started on A; the same request on B joins it: one download from Ollama.
    const started = await api(a, 'POST', '/api/settings/models/pull', { model_name: 'alpha' });
    expect(started.status).toBe(202);
    expect(started.body.joined).toBe(false);
    const joined = await api(b, 'POST', '/api/settings/models/pull', { model_name: 'alpha' });
    expect(joined.status).toBe(202);
    expect(joined.body).toMatchObject({ model_name: 'alpha', joined: true, done: false });
    expect(ollama.requestsTo('/api/pull')).toHaveLength(1);

    // 2. B's socket hears A's progress, and B reports it over REST.
    await heardOnB;
    expect((await api(b, 'GET', '/api/settings/models/pull/alpha')).body).toMatchObject({ model_name: 'alpha', done: false });
    expect((await api(b, 'GET', '/api/settings/models/pulls')).body.map((pull: any) => pull.model_name)).toContain('alpha');

    // 3. Cancelled on B: A hangs up on Ollama, and both sockets get one final `cancelled` short of 100%.
    const cancelled = await api(b, 'DELETE', '/api/settings/models/pull/alpha');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ model_name: 'alpha', status: 'cancelled', done: true });
    for (const final of await Promise.all(finals)) {
      expect(final.status).toBe('cancelled');
      expect(final.percent).toBeLessThan(100);
    }

    // 4. Both agree it is over; nothing is left to cancel on either; the model was not installed.
    for (const server of [a, b]) {
      expect((await api(server, 'GET', '/api/settings/models/pull/alpha')).body).toMatchObject({ status: 'cancelled', done: true });
      expect((await api(server, 'DELETE', '/api/settings/models/pull/alpha')).status).toBe(404);
    }
    expect(ollama.requestsTo('/api/pull')).toHaveLength(1);
    const tags = (await (await fetch(`${ollama.url}/api/tags`)).json()) as { models: Array<{ name: string }> };
    expect(tags.models.map((model) => model.name)).not.toContain('alpha:latest');
  }, 120_000);

  it('the progress of a map computed on A is read on B while it runs, and is unknown on both after', async () => {
    const project = (await api(a, 'POST', '/api/projects', { name: 'Maps' })).body;
    const other = (await api(a, 'POST', '/api/projects', { name: 'Other' })).body;
    expect((await api(a, 'PUT', `/api/projects/${project.id}`, { settings: { chunk_size: 100, chunk_overlap: 0 } })).status).toBe(200);
    const form = new FormData();
    form.append('files', new Blob([PARAGRAPHS]), 'rows.txt');
    expect((await fetch(`${a.url}/api/projects/${project.id}/documents/bulk`, { method: 'POST', body: form })).status).toBe(200);
    const base = `/api/analytics/projects/${project.id}`;
    await until(
      async () => (await api(a, 'GET', `${base}/embedding-stats`)).body?.embedded_chunks === 500,
      240_000,
      'the 500 chunks embedded',
    );

    // 1. A t-SNE on A with a progress id; B is polled until A answers.
    const progressId = randomUUID();
    let answered = false;
    const reduction = api(a, 'POST', `${base}/dimensionality-reduction`, {
      method: 'tsne',
      n_samples: 500,
      progress_id: progressId,
    }).finally(() => {
      answered = true;
    });
    const seenOnB: Array<{ stage: string; done: number | null }> = [];
    const seenThroughOther: string[] = [];
    while (!answered) {
      const progress = await api(b, 'GET', `${base}/progress/${progressId}`);
      expect(progress.status).toBe(200);
      if (answered) break;
      seenOnB.push(progress.body);
      // The same id asked through another project never reads it.
      if (progress.body.stage === 'computing' && seenThroughOther.length === 0)
        seenThroughOther.push((await api(b, 'GET', `/api/analytics/projects/${other.id}/progress/${progressId}`)).body.stage);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { status, body } = await reduction;
    expect(status).toBe(200);
    expect(body.points).toHaveLength(500);

    // 2. B saw it computing, part way, and only growing.
    const computing = seenOnB.filter((entry) => entry.stage === 'computing').map((entry) => entry.done ?? 0);
    expect(computing.some((done) => done > 0 && done < 1)).toBe(true);
    expect(computing).toEqual([...computing].sort((left, right) => left - right));
    expect(seenThroughOther).toEqual(['unknown']);

    // 3. Over: unknown on both.
    for (const server of [a, b]) {
      expect((await api(server, 'GET', `${base}/progress/${progressId}`)).body).toEqual({
        progress_id: progressId,
        stage: 'unknown',
        done: null,
      });
    }
  }, 360_000);
});
