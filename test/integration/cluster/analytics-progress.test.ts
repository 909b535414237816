import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOllama } from '../../support/fake-ollama.ts';
import { type ServerProcess, startServerProcess } from '../../support/server-process.ts';
import { until } from '../../support/until.ts';

const WORDS = 'orchard hive nectar alpine rind brine express platform regional station harbour ferry lantern meadow quarry timber'.split(
  ' ',
);

/** 500 paragraphs of about 90 characters: one chunk each at chunk size 100. */
const PARAGRAPHS = Array.from({ length: 500 }, (_, n) =>
  `Row ${n} ${WORDS[n % 16]} ${WORDS[(n * 7) % 16]} ${WORDS[(n * 3) % 16]}`.padEnd(90, '.'),
).join('\n\n');

/**
 * `--workers 2` without Redis: sticky's round-robin gives each new connection without a sid to the
 * next worker, so polls made one after the other reach both workers, only one of which computes.
 */
describe('--workers 2: an analytics map’s progress is read through any worker', () => {
  let ollama: FakeOllama;
  let server: ServerProcess;
  let dataDir: string;

  beforeAll(async () => {
    ollama = await new FakeOllama().start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-workers-progress-'));
    server = await startServerProcess(
      // A shared, loaded machine: the time limit is not what is tested here.
      { DATA_DIR: dataDir, OLLAMA_HOST: ollama.url, LLM_PROVIDER: 'ollama', WORKERS: '2', ANALYTICS_TIMEOUT_SECONDS: '600' },
      { startTimeoutMs: 90_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await server?.kill('SIGTERM');
    await ollama?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function api(method: string, urlPath: string, body?: unknown) {
    const response = await fetch(`${server.url}${urlPath}`, {
      method,
      // A new connection per request: the primary hands each one to the next worker.
      headers: { connection: 'close', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  it('every poll while the map computes reports it, whichever worker answers; unknown after', async () => {
    const project = (await api('POST', '/api/projects', { name: 'Maps' })).body;
    expect((await api('PUT', `/api/projects/${project.id}`, { settings: { chunk_size: 100, chunk_overlap: 0 } })).status).toBe(200);
    const form = new FormData();
    form.append('files', new Blob([PARAGRAPHS]), 'rows.txt');
    expect((await fetch(`${server.url}/api/projects/${project.id}/documents/bulk`, { method: 'POST', body: form })).status).toBe(200);
    const base = `/api/analytics/projects/${project.id}`;
    await until(
      async () => (await api('GET', `${base}/embedding-stats`)).body?.embedded_chunks === 500,
      240_000,
      'the 500 chunks embedded',
    );

    // 1. A t-SNE with a progress id, polled until it answers.
    const progressId = randomUUID();
    let answered = false;
    const reduction = api('POST', `${base}/dimensionality-reduction`, { method: 'tsne', n_samples: 500, progress_id: progressId }).finally(
      () => {
        answered = true;
      },
    );
    const stages: string[] = [];
    const computing: number[] = [];
    while (!answered) {
      const progress = await api('GET', `${base}/progress/${progressId}`);
      expect(progress.status).toBe(200);
      if (answered) break;
      stages.push(progress.body.stage);
      if (progress.body.stage === 'computing') computing.push(progress.body.done ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await reduction).status).toBe(200);

    // 2. Between the first and the last poll that saw it (its entry goes just before the answer, so
    //    the last polls may say unknown), none lost it, though half of them reached the other worker.
    const first = stages.findIndex((stage) => stage !== 'unknown');
    const last = stages.findLastIndex((stage) => stage !== 'unknown');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(stages.slice(first, last + 1).filter((stage) => stage === 'unknown')).toEqual([]);
    expect(last - first).toBeGreaterThan(3);
    expect(computing.some((done) => done > 0 && done < 1)).toBe(true);
    expect(computing).toEqual([...computing].sort((left, right) => left - right));

    // 3. Over: unknown through both workers.
    for (let index = 0; index < 2; index += 1) {
      expect((await api('GET', `${base}/progress/${progressId}`)).body).toMatchObject({ stage: 'unknown', done: null });
    }
  }, 360_000);
});
