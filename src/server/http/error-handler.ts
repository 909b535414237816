import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type AppErrorCode, DatabaseBusyError, RateLimitedError } from '../errors.ts';

const STATUS_BY_CODE = {
  not_found: 404,
  bad_request: 400,
  validation: 422,
  conflict: 409,
  duplicate: 409,
  busy: 409,
  database_busy: 503,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  timeout: 504,
  llm_unavailable: 503,
  model_not_found: 502,
  llm_error: 502,
  llm_timeout: 504,
  llm_bad_response: 502,
  internal: 500,
} as const satisfies Record<AppErrorCode, number>;

export function statusForAppError(error: AppError): number {
  return STATUS_BY_CODE[error.code];
}

/**
 * Maps every error to FastAPI's `{detail}` with the right status. Client errors say what is wrong;
 * server errors say only that something failed (the details go to the log once, never to the client).
 */
export function registerErrorHandler(
  app: FastifyInstance,
  options: { notFound?: (request: FastifyRequest, reply: FastifyReply) => unknown } = {},
): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const detail = error.validation
        .slice(0, 5)
        .map((issue) => {
          const where = `${error.validationContext ?? 'body'}${issue.instancePath.replace(/\//g, '.')}`;
          return `${where}: ${issue.message}`;
        })
        .join('; ');
      return reply.code(422).send({ detail, code: 'validation' });
    }
    if (error instanceof AppError) {
      const status = statusForAppError(error);
      if (status >= 500) request.log.warn({ code: error.code }, error.message);
      // A busy database is temporary: tell clients when asking again is worth it.
      if (error instanceof DatabaseBusyError) reply.header('retry-after', '1');
      if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.code(status).send({ detail: error.expose ? error.message : 'Internal server error', code: error.code });
    }
    const statusCode = (error as FastifyError).statusCode;
    if (statusCode && statusCode >= 400 && statusCode < 500) {
      return reply.code(statusCode).send({ detail: clientMessage(error as FastifyError), code: (error as FastifyError).code });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ detail: 'Internal server error', code: 'internal' });
  });

  // Fastify allows one not-found handler per prefix: the web app's fallback is passed in, not added later.
  app.setNotFoundHandler(options.notFound ?? sendNotFound);
}

/** The JSON 404 for a route that does not exist. */
export function sendNotFound(request: FastifyRequest, reply: FastifyReply): void {
  reply.code(404).send({ detail: `Not found: ${request.method} ${request.url.split('?')[0]}`, code: 'not_found' });
}

/** Fastify's own 4xx messages (bad JSON, body too large, wrong content type) are safe and useful. */
function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is not valid JSON';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type';
    default:
      return error.message;
  }
}
