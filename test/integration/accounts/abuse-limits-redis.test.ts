import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbuseLimits, LOGIN_MAX_FAILURES } from '../../../src/server/access/abuse-limits.ts';
import type { Actor } from '../../../src/server/access/actor.ts';
import { RateLimitedError } from '../../../src/server/errors.ts';
import { ADMIN, startAccountsServer } from './accounts-support.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}
const reachable = await redisReachable();
// Under CI the Redis path must run; on a developer machine without Redis it is skipped, visibly.
if (!reachable && process.env.CI) throw new Error(`Redis is not reachable at ${REDIS_URL}; the Redis rate-limit tests need it`);

/**
 * The Redis store of the abuse limits, against a real Redis: two AbuseLimits (two processes of a
 * cluster) share one set of counters under a unique prefix, so neither doubles the allowance.
 */
describe.skipIf(!reachable)('abuse limits in Redis', () => {
  const prefix = `daa-test-accounts-${randomUUID()}:ratelimit:`;
  let client: Redis;
  let first: AbuseLimits;
  let second: AbuseLimits;
  const alice: Actor = { kind: 'user', userId: 7, role: 'user' };

  beforeAll(() => {
    client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const limits = { messagesPerMinute: 3, uploadsPerMinute: 2 };
    first = new AbuseLimits(limits, { kind: 'redis', client, keyPrefix: prefix });
    second = new AbuseLimits(limits, {
      kind: 'redis',
      client: new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }),
      keyPrefix: prefix,
      ownsClient: true,
    });
  });
  afterAll(async () => {
    if (!client) return;
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await second.close();
    await client.quit();
  });

  it('counts messages per user across both processes and says when to retry', async () => {
    expect(first.storeKind).toBe('redis');
    await first.consumeMessage(alice);
    await second.consumeMessage(alice);
    await first.consumeMessage(alice);
    const refused = await second.consumeMessage(alice).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).message).toMatch(/at most 3 a minute\); try again in \d+ s/);
    // Another user has a count of their own.
    await expect(second.consumeMessage({ kind: 'user', userId: 8, role: 'user' })).resolves.toBeUndefined();
    // The counter is in Redis under the prefix, with the window as its expiry.
    const ttl = await client.pttl(`${prefix}msg:user:7`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('counts uploads per user across both processes', async () => {
    await first.consumeUpload(alice);
    await second.consumeUpload(alice);
    await expect(first.consumeUpload(alice)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('shares failed sign-ins: failures on one process lock the email and the address on the other', async () => {
    const email = 'Someone@Example.test';
    for (let attempt = 0; attempt < LOGIN_MAX_FAILURES; attempt += 1) {
      await (attempt % 2 === 0 ? first : second).recordLoginFailure(email, '203.0.113.9');
    }
    const byEmail = await second.checkLogin('someone@example.test', '198.51.100.1').catch((error: unknown) => error);
    expect(byEmail).toBeInstanceOf(RateLimitedError);
    expect((byEmail as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    await expect(first.checkLogin('other@example.test', '203.0.113.9')).rejects.toBeInstanceOf(RateLimitedError);
    // A success clears the email's count everywhere; the address keeps its own.
    await first.recordLoginSuccess(email);
    await expect(second.checkLogin(email, '198.51.100.1')).resolves.toBeUndefined();
    await expect(second.checkLogin(email, '203.0.113.9')).rejects.toBeInstanceOf(RateLimitedError);
    expect(await client.exists(`${prefix}login:address:203.0.113.9`)).toBe(1);
  });
});

describe.skipIf(!reachable)('a server with REDIS_URL', () => {
  it('keeps its sign-in failures in Redis under REDIS_PREFIX and answers 429 from them', async () => {
    const prefix = `daa-test-accounts-${randomUUID()}:`;
    const server = await startAccountsServer({ REDIS_URL, REDIS_PREFIX: prefix });
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      for (let attempt = 1; attempt <= 10; attempt += 1) {
        expect((await server.api('POST', '/api/auth/login', { email: ADMIN.email, password: `wrong-${attempt}` })).status).toBe(401);
      }
      const stored = await client.keys(`${prefix}ratelimit:login:*`);
      expect(stored.sort()).toEqual([expect.stringContaining(':login:address:'), `${prefix}ratelimit:login:email:${ADMIN.email}`]);
      const limited = await server.api('POST', '/api/auth/login', { email: ADMIN.email, password: ADMIN.password });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await server.close();
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
      await client.quit();
    }
  });
});

describe('abuse limits when Redis is unreachable', () => {
  it('still limit, each process in its own memory (the insurance), instead of failing every request', async () => {
    // Port 1 on loopback: nothing listens, so every Redis command fails after its retry.
    const client = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, retryStrategy: () => 20 });
    client.on('error', () => {});
    const limits = new AbuseLimits(
      { messagesPerMinute: 2, uploadsPerMinute: undefined },
      { kind: 'redis', client, keyPrefix: 'unreachable:' },
    );
    const actor: Actor = { kind: 'user', userId: 3, role: 'user' };
    try {
      await limits.consumeMessage(actor);
      await limits.consumeMessage(actor);
      await expect(limits.consumeMessage(actor)).rejects.toBeInstanceOf(RateLimitedError);
      for (let attempt = 0; attempt < LOGIN_MAX_FAILURES; attempt += 1) await limits.recordLoginFailure('x@example.test', '192.0.2.1');
      await expect(limits.checkLogin('x@example.test', '192.0.2.2')).rejects.toBeInstanceOf(RateLimitedError);
    } finally {
      client.disconnect();
    }
  });
});

describe('abuse limits in memory', () => {
  it('keeps counters per process without Redis', async () => {
    const one = new AbuseLimits({ messagesPerMinute: 1, uploadsPerMinute: undefined });
    const other = new AbuseLimits({ messagesPerMinute: 1, uploadsPerMinute: undefined });
    const actor: Actor = { kind: 'user', userId: 1, role: 'user' };
    expect(one.storeKind).toBe('memory');
    await one.consumeMessage(actor);
    await expect(one.consumeMessage(actor)).rejects.toBeInstanceOf(RateLimitedError);
    await expect(other.consumeMessage(actor)).resolves.toBeUndefined();
    // No upload limit set: never refused.
    for (let index = 0; index < 5; index += 1) await one.consumeUpload(actor);
  });
});
