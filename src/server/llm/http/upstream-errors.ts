import { LlmError, isAbortError } from '../../errors.ts';
import type { UpstreamCall } from './upstream-call.ts';

/** Maps a failed `fetch` (refused, DNS, reset) to a clear upstream error. */
export function networkError(error: unknown, label: string, host: string): LlmError {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND'
        ? 'host not found'
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
          ? 'connection reset'
          : (code ?? (error instanceof Error ? error.message : 'network error'));
  return new LlmError('llm_unavailable', `Cannot reach ${label} at ${host}: ${reason}`, { cause: error });
}

/**
 * The one error mapping of every upstream call (AI SDK `handleFetchError`): a timeout becomes its
 * `llm_timeout`, our own errors stay as they are, and the caller's abort passes through untouched so
 * that callers can tell "stopped" from "failed".
 */
export function mapUpstreamError(error: unknown, call: UpstreamCall, phase: 'connect' | 'stream'): unknown {
  if (call.deadline.timeoutError) return call.deadline.timeoutError;
  if (error instanceof LlmError) return error;
  if (call.deadline.callerAborted || isAbortError(error)) return error;
  if (phase === 'connect') return networkError(error, call.label, call.host);
  return new LlmError('llm_error', `${call.label} closed the stream unexpectedly`, { cause: error });
}
