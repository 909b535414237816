import { DatabaseBusyError, LlmError } from '../errors.ts';
import { DocumentParseError } from './parsed-document.ts';

/** Exponential backoff with ±20 % jitter, capped at 5 minutes. `attempt` counts from 1. */
export function retryDelayMs(attempt: number, baseSeconds: number): number {
  const raw = baseSeconds * 1000 * 2 ** Math.max(0, attempt - 1);
  const jitter = 0.8 + Math.random() * 0.4;
  return Math.min(300_000, Math.round(raw * jitter));
}

/**
 * Whether trying again later may help: model servers answering 5xx/429 or timing out, a busy
 * database. A document that cannot be parsed will not parse better next time.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof DocumentParseError) return false;
  if (error instanceof LlmError) return error.isRetryable;
  // Each store turns its own lock errors into DatabaseBusyError.
  if (error instanceof DatabaseBusyError) return true;
  const code = (error as { code?: string }).code;
  return code === 'EMFILE' || code === 'EAGAIN';
}
