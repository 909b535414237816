import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the tests use (the machine's Redis by default). */
export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let reachable: Promise<string | undefined> | undefined;

/** Undefined when Redis answers PING; else the reason, once per test file. */
export function redisUnavailable(): Promise<string | undefined> {
  reachable ??= (async () => {
    const client = new Redis(REDIS_TEST_URL, {
      lazyConnect: true,
      connectTimeout: 3_000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG' ? undefined : `Redis at ${REDIS_TEST_URL} did not answer PING`;
    } catch (error) {
      return `Redis at ${REDIS_TEST_URL} cannot be reached (${(error as Error).message})`;
    } finally {
      client.disconnect();
    }
  })();
  return reachable;
}

/**
 * Whether the Redis suites run. Without a server they are skipped loudly, except under CI=true,
 * where a missing server is a failure (`.ci/run` starts it).
 */
export async function requireRedis(suite: string): Promise<boolean> {
  const reason = await redisUnavailable();
  if (!reason) return true;
  if (process.env.CI === 'true') throw new Error(`${suite}: ${reason}, and CI=true requires it`);
  console.warn(`\n*** SKIPPED ${suite}: ${reason}. Start Redis to run it. ***\n`);
  return false;
}

/** A key prefix no other run uses; `drop()` deletes every key under it. */
export function testRedisPrefix(label: string): { prefix: string; drop: () => Promise<void> } {
  const prefix = `daa-test:${label}:${process.pid}:${randomBytes(4).toString('hex')}:`;
  return {
    prefix,
    async drop() {
      const client = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await client.del(...keys);
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
    },
  };
}
