import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { redactUrlSecrets } from '../access/url-redaction.ts';

/**
 * Routes a client asks again and again (the web app's model-status poll, health checks, Engine.IO
 * polls should any reach Fastify): logged at `debug`, so `info` is not a line per poll.
 */
const POLLED_ROUTES = new Set(['/api/llm/status', '/health', '/api/health']);

function isPolled(request: FastifyRequest): boolean {
  const route = request.routeOptions.url ?? '';
  return POLLED_ROUTES.has(route) || request.url.startsWith('/socket.io/');
}

/** Files of the built web app (one page load asks for several): `debug` too. */
function isStaticFile(request: FastifyRequest): boolean {
  return request.method === 'GET' && (request.url.startsWith('/assets/') || request.routeOptions.url === '/*');
}

/**
 * One line per request when it completes (`GET /api/projects 200 4 ms`), instead of Fastify's two
 * ("incoming request", "request completed"); polls and static files at `debug`, failures at `error`.
 * The URL in the line has credentials in its query string redacted, like the `req` serializer.
 */
export class OneLineRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = `${request.method} ${redactUrlSecrets(request.url)} ${reply.statusCode} ${Math.round(reply.elapsedTime)} ms`;
    const fields = { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, err: error }, line);
    else if (isPolled(request) || isStaticFile(request)) reply.log.debug(fields, line);
    else reply.log.info(fields, line);
  }
}
