import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseBusyError } from '../../errors.ts';

export type Queryable = pg.Pool | pg.PoolClient;

export function now(): string {
  return new Date().toISOString();
}

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** A SQL string literal, for the few places (partial-index predicates) where a parameter cannot stand. */
export function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const { code, constraint: name } = (error ?? {}) as { code?: string; constraint?: string };
  return code === '23505' && (constraint === undefined || name === constraint);
}

/** Lock waits that end by themselves: deadlock victim, serialization failure, lock timeout. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001' || code === '55P03';
}

/** Runs `work` in one transaction on one connection; rolled back on any error. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Runs `work`, retrying a deadlock or serialization failure with growing delays, then DatabaseBusyError. */
export async function retryWhileBusy<T>(work: () => Promise<T>, maxWaitMs: number): Promise<T> {
  const deadline = Date.now() + maxWaitMs;
  let delay = 5;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isBusy(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) throw new DatabaseBusyError({ cause: error });
      await sleep(Math.min(left, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, 250);
    }
  }
}

/**
 * Wraps every method of a repository: a deadlock or serialization failure is retried with growing
 * delays (every method is one statement or one transaction), then surfaces as DatabaseBusyError.
 */
export function withBusyRetry<T extends object>(repository: T, maxWaitMs: number): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repository)) {
    wrapped[name] =
      typeof member === 'function' ? (...args: unknown[]) => retryWhileBusy(() => member.apply(repository, args), maxWaitMs) : member;
  }
  return wrapped as T;
}

export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
