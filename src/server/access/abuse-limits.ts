import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import { RateLimitedError } from '../errors.ts';
import type { Actor } from './actor.ts';

/** Failed sign-ins allowed per email and per client address within the window, before 429. */
export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_WINDOW_SECONDS = 10 * 60;

/**
 * Per-user and per-address counters against brute force and floods, with rate-limiter-flexible
 * (in memory; its Redis limiter shares counters between processes with the same interface). Keys
 * are user ids, not sockets, so opening more connections resets nothing.
 */
export class AbuseLimits {
  private readonly loginFailures = new RateLimiterMemory({
    keyPrefix: 'login',
    points: LOGIN_MAX_FAILURES,
    duration: LOGIN_WINDOW_SECONDS,
  });
  private readonly messages: RateLimiterMemory | undefined;
  private readonly uploads: RateLimiterMemory | undefined;

  constructor(limits: { messagesPerMinute: number | undefined; uploadsPerMinute: number | undefined }) {
    this.messages = limits.messagesPerMinute
      ? new RateLimiterMemory({ keyPrefix: 'msg', points: limits.messagesPerMinute, duration: 60 })
      : undefined;
    this.uploads = limits.uploadsPerMinute
      ? new RateLimiterMemory({ keyPrefix: 'upload', points: limits.uploadsPerMinute, duration: 60 })
      : undefined;
  }

  /** Per-user limits apply with accounts on (defaults 30 a minute); without accounts only when set. */
  static fromConfig(config: Config): AbuseLimits {
    const accounts = config.AUTH_MODE === 'accounts';
    return new AbuseLimits({
      messagesPerMinute: config.RATE_LIMIT_MESSAGES_PER_MINUTE ?? (accounts ? 30 : undefined),
      uploadsPerMinute: config.RATE_LIMIT_UPLOADS_PER_MINUTE ?? (accounts ? 30 : undefined),
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

async function consume(limiter: RateLimiterMemory | undefined, actor: Actor, what: string): Promise<void> {
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
