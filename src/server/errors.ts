/**
 * Every machine-readable reason an error can carry, closed: HTTP maps each to a status
 * (`STATUS_BY_CODE satisfies Record<AppErrorCode, number>` in http/error-handler.ts), so a new code
 * does not compile until it has one. Clients see them as `code` in `{detail, code}` and `error` events.
 */
export type AppErrorCode =
  | 'not_found'
  | 'validation'
  | 'bad_request'
  | 'conflict'
  | 'duplicate'
  | 'busy'
  | 'database_busy'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'timeout'
  | 'internal'
  | LlmErrorCode;

/**
 * The small error catalogue of the domain. Transports map it once at the edge: HTTP to `{detail}` and a
 * status code, realtime to `error {message, chat_id, code}`. The domain never speaks HTTP.
 */
export abstract class AppError extends Error {
  abstract readonly code: AppErrorCode;
  /** Safe to show to the client as is. */
  readonly expose: boolean = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Missing, deleted, or not readable by the caller: the same answer, so ids cannot be probed. */
export class NotFoundError extends AppError {
  readonly code = 'not_found';
}

/** No valid credentials (accounts on): sign in first. */
export class UnauthorizedError extends AppError {
  readonly code = 'unauthorized';
}

/** A member whose role does not allow this (a viewer writing); non-members get NotFoundError instead. */
export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
}

/** Too many attempts: `retryAfterSeconds` says when asking again is worth it. */
export class RateLimitedError extends AppError {
  readonly code = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  readonly code = 'validation';
}

/** The request is well-formed but asks for nothing (e.g. an update with no field). */
export class BadRequestError extends AppError {
  readonly code = 'bad_request';
}

export class ConflictError extends AppError {
  readonly code = 'conflict';
}

/** The same content is already a document of this project; `existingId` names it. */
export class DuplicateDocumentError extends AppError {
  readonly code = 'duplicate';
  constructor(
    message: string,
    readonly existingId: number,
  ) {
    super(message);
  }
}

/** The thing is busy (an answer is already streaming in this chat): try again after it. */
export class BusyError extends AppError {
  readonly code = 'busy';
}

/**
 * The database stayed locked by another connection for longer than the retry budget
 * (`DATABASE_BUSY_RETRY_SECONDS`). Temporary by nature: HTTP answers 503, sockets get an `error`.
 */
export class DatabaseBusyError extends AppError {
  readonly code = 'database_busy';
  readonly isRetryable = true;

  constructor(options?: { cause?: unknown }) {
    super('The database is busy; try again', options);
  }
}

/** A computation (an analytics projection) ran past its time limit and was ended. */
export class AnalyticsTimeoutError extends AppError {
  readonly code = 'timeout';

  constructor(seconds: number) {
    super(`The computation took longer than ${seconds} s and was stopped; try fewer points or PCA`);
  }
}

/** Anything unexpected; its message is generic because the cause may hold paths or SQL. */
export class InternalError extends AppError {
  readonly code = 'internal';
  override readonly expose = false;
}

export class PayloadTooLargeError extends AppError {
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaError extends AppError {
  readonly code = 'unsupported_media_type';
}

export type LlmErrorCode = 'llm_unavailable' | 'model_not_found' | 'llm_error' | 'llm_timeout' | 'llm_bad_response';

/** A failure of an upstream model server; `isRetryable` follows the AI SDK (408/409/429/5xx, network). */
export class LlmError extends AppError {
  readonly code: LlmErrorCode;
  readonly isRetryable: boolean;
  readonly statusCode?: number;

  constructor(code: LlmErrorCode, message: string, options: { cause?: unknown; statusCode?: number; isRetryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.statusCode = options.statusCode;
    this.isRetryable =
      options.isRetryable ??
      (code === 'llm_unavailable' ||
        code === 'llm_timeout' ||
        (options.statusCode !== undefined && [408, 409, 429].includes(options.statusCode)) ||
        (options.statusCode !== undefined && options.statusCode >= 500));
  }
}

/** True for the error an aborted fetch or stream throws. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}
