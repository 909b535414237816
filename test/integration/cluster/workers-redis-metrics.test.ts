import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOllama } from '../../support/fake-ollama.ts';
import { REDIS_TEST_URL, requireRedis, testRedisPrefix } from '../../support/redis-server.ts';
import { type ServerProcess, startServerProcess } from '../../support/server-process.ts';

const redisUp = await requireRedis('--workers 2 with REDIS_URL: /metrics');

/**
 * `--workers 2` coordinating through Redis (SQLite store): the workers use the Redis transport, yet
 * `/metrics` still covers both workers of the machine, because the primary gathers them over IPC.
 * Sticky's round-robin gives each request without a sid to the next worker, so two scrapes in a row
 * are answered by the two different workers.
 */
describe.skipIf(!redisUp)('--workers 2 with REDIS_URL: /metrics covers every worker', () => {
  let ollama: FakeOllama;
  let server: ServerProcess;
  let dataDir: string;
  let redis: { prefix: string; drop: () => Promise<void> };

  beforeAll(async () => {
    ollama = await new FakeOllama().start();
    redis = testRedisPrefix('s18-metrics-workers');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-workers-redis-metrics-'));
    server = await startServerProcess(
      {
        DATA_DIR: dataDir,
        OLLAMA_HOST: ollama.url,
        LLM_PROVIDER: 'ollama',
        WORKERS: '2',
        REDIS_URL: REDIS_TEST_URL,
        REDIS_PREFIX: redis.prefix,
      },
      { startTimeoutMs: 90_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await server?.kill('SIGTERM');
    await ollama?.stop();
    await redis?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the workers coordinate through Redis, and a scrape through either worker has both workers’ series', async () => {
    // Each worker holds its presence lease in Redis only when the Redis transport is the one in use.
    const client = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
    try {
      expect(await client.keys(`${redis.prefix}instance:*`)).toHaveLength(2);
    } finally {
      client.disconnect();
    }
    for (let index = 0; index < 2; index += 1) {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      const instances = (name: string) =>
        [...new Set([...text.matchAll(new RegExp(`^${name}\\{[^}]*instance="([^"]+)"`, 'gm'))].map((match) => match[1]))].sort();
      const bothWorkers = [expect.stringMatching(/:worker-1$/), expect.stringMatching(/:worker-2$/)];
      expect(instances('daa_running_answers')).toEqual(bothWorkers);
      expect(instances('daa_socket_connections')).toEqual(bothWorkers);
      expect(instances('nodejs_eventloop_lag_seconds')).toEqual(bothWorkers);
    }
  }, 60_000);
});
