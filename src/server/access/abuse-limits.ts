import { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import { RateLimitedError } from '../errors.ts';
import type { Actor } from './actor.ts';

/** Failed sign-ins allowed per email and per client address within the window, before 429. */
export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_WINDOW_SECONDS = 10 * 60;

/** Where the counters live: this process's memory, or Redis (shared by every process of a cluster). */
export type AbuseLimitsStore = { kind: 'memory' } | { kind: 'redis'; client: Redis; keyPrefix: string; ownsClient?: boolean };

/**
 * Per-user and per-address counters against brute force and floods, with rate-limiter-flexible.
 * With Redis the counters are shared by every process, so a cluster or a restart does not multiply
 * the allowance; should Redis fail, each process falls back to its own memory counters (insurance)
 * rather than refusing or waving everyone through. Keys are user ids, not sockets, so opening more
 * connections resets nothing.
 */
export class AbuseLimits {
  private readonly loginFailures: RateLimiterAbstract;
  private readonly messages: RateLimiterAbstract | undefined;
  private readonly uploads: RateLimiterAbstract | undefined;

  constructor(
    limits: { messagesPerMinute: number | undefined; uploadsPerMinute: number | undefined },
    private readonly store: AbuseLimitsStore = { kind: 'memory' },
  ) {
    this.loginFailures = this.limiter('login', LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECONDS);
    this.messages = limits.messagesPerMinute ? this.limiter('msg', limits.messagesPerMinute, 60) : undefined;
    this.uploads = limits.uploadsPerMinute ? this.limiter('upload', limits.uploadsPerMinute, 60) : undefined;
  }

  /**
   * Per-user limits apply with accounts on (defaults 30 a minute); without accounts only when set.
   * With REDIS_URL the counters are kept in Redis under REDIS_PREFIX.
   */
  static fromConfig(config: Config): AbuseLimits {
    const accounts = config.AUTH_MODE === 'accounts';
    let store: AbuseLimitsStore = { kind: 'memory' };
    if (config.REDIS_URL) {
      // A short retry per command: a limiter call waits on Redis only briefly before the insurance answers.
      const client = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: false });
      // An outage is reported by the socket adapter's and cluster transport's clients; here the
      // in-memory insurance takes over, so the error event only needs a listener.
      client.on('error', () => {});
      store = { kind: 'redis', client, keyPrefix: `${config.REDIS_PREFIX}ratelimit:`, ownsClient: true };
    }
    return new AbuseLimits(
      {
        messagesPerMinute: config.RATE_LIMIT_MESSAGES_PER_MINUTE ?? (accounts ? 30 : undefined),
        uploadsPerMinute: config.RATE_LIMIT_UPLOADS_PER_MINUTE ?? (accounts ? 30 : undefined),
      },
      store,
    );
  }

  /** Where the counters are kept (`memory` or `redis`), for the health report and tests. */
  get storeKind(): AbuseLimitsStore['kind'] {
    return this.store.kind;
  }

  /** Closes the Redis connection it opened (nothing to do in memory). */
  async close(): Promise<void> {
    if (this.store.kind === 'redis' && this.store.ownsClient) {
      await this.store.client.quit().catch(() => this.store.kind === 'redis' && this.store.client.disconnect());
    }
  }

  private limiter(name: string, points: number, duration: number): RateLimiterAbstract {
    const memory = new RateLimiterMemory({ keyPrefix: name, points, duration });
    if (this.store.kind === 'memory') return memory;
    return new RateLimiterRedis({
      storeClient: this.store.client,
      keyPrefix: `${this.store.keyPrefix}${name}`,
      points,
      duration,
      insuranceLimiter: memory,
    });
  }

  /** Throws RateLimitedError when this email or address has failed too often lately. */
  async checkLogin(email: string, address: string): Promise<void> {
    for (const key of loginKeys(email, address)) {
      const state = await this.loginFailures.get(key);
      if (state && state.consumedPoints >= LOGIN_MAX_FAILURES) {
        throw new RateLimitedError(
          `Too many failed sign-ins; try again in ${minutes(state.msBeforeNext)}`,
          Math.max(1, Math.ceil(state.msBeforeNext / 1000)),
        );
      }
    }
  }

  async recordLoginFailure(email: string, address: string): Promise<void> {
    for (const key of loginKeys(email, address)) await this.loginFailures.penalty(key, 1);
  }

  /** A successful sign-in clears the email's failures (the address keeps its count). */
  async recordLoginSuccess(email: string): Promise<void> {
    await this.loginFailures.delete(loginKeys(email, '')[0]!);
  }

  consumeMessage(actor: Actor): Promise<void> {
    return consume(this.messages, actor, 'messages');
  }

  consumeUpload(actor: Actor): Promise<void> {
    return consume(this.uploads, actor, 'uploads');
  }
}

async function consume(limiter: RateLimiterAbstract | undefined, actor: Actor, what: string): Promise<void> {
  if (!limiter) return;
  try {
    await limiter.consume(actor.kind === 'user' ? `user:${actor.userId}` : 'local');
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new RateLimitedError(`Too many ${what} (at most ${limiter.points} a minute); try again in ${seconds} s`, seconds);
  }
}

function loginKeys(email: string, address: string): string[] {
  return [`email:${email.trim().toLowerCase()}`, `address:${address}`];
}

function minutes(ms: number): string {
  const total = Math.max(1, Math.ceil(ms / 60_000));
  return total === 1 ? '1 minute' : `${total} minutes`;
}
