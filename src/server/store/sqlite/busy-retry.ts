import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseBusyError } from '../../errors.ts';

/** How a call that finds the database locked by another connection is retried. */
export interface BusyRetryPolicy {
  /** Total time to keep retrying before giving up with DatabaseBusyError. */
  maxWaitMs: number;
}

const FIRST_DELAY_MS = 5;
const MAX_DELAY_MS = 250;

/** SQLITE_BUSY and its extended codes (BUSY_SNAPSHOT, BUSY_RECOVERY, BUSY_TIMEOUT). */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs `operation`; while it fails because another connection holds the lock, waits (a timer, so the
 * event loop keeps serving) with growing, jittered delays and runs it again, up to the policy's
 * budget. Safe because every store method is one statement or one transaction, rolled back on error.
 */
export async function retryWhileBusy<T>(operation: () => Promise<T>, policy: BusyRetryPolicy): Promise<T> {
  const deadline = Date.now() + policy.maxWaitMs;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (!isSqliteBusy(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) throw new DatabaseBusyError({ cause: error });
      await sleep(Math.min(left, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

/** Wraps every method of a repository in `retryWhileBusy`. */
export function withBusyRetry<T extends object>(repository: T, policy: BusyRetryPolicy): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repository)) {
    wrapped[name] =
      typeof member === 'function' ? (...args: unknown[]) => retryWhileBusy(async () => member.apply(repository, args), policy) : member;
  }
  return wrapped as T;
}
