import http from 'node:http';
import type { RequestAccessPolicy } from './request-access.ts';

interface Logger {
  warn(object: unknown, message?: string): void;
}

/**
 * The access check as an engine.io middleware (`io.engine.use`). engine.io runs its middlewares for
 * every HTTP request it handles, WebSocket upgrades included, while `allowRequest` runs only at the
 * handshake: a rebinding page holding a session id would otherwise keep polling and posting.
 *
 * A refused request is answered here with a 403 and `next` is never called: engine.io's own error
 * path would answer a second time (a 400) on an upgrade socket.
 */
export function createEngineAccessMiddleware(options: { checkRequest: RequestAccessPolicy; logger: Logger }) {
  const { checkRequest, logger } = options;
  return function engineAccess(request: http.IncomingMessage, response: unknown, next: (error?: Error) => void): void {
    const decision = checkRequest(request.headers);
    if (decision.allowed) {
      next();
      return;
    }
    logger.warn({ reason: decision.reason, host: request.headers.host, origin: request.headers.origin }, 'socket request refused');
    const body = JSON.stringify({ detail: decision.detail, code: 'forbidden' });
    if (response instanceof http.ServerResponse) {
      response.writeHead(403, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
      return;
    }
    // A WebSocket upgrade: there is no ServerResponse, only the raw socket.
    const socket = request.socket;
    socket.on('error', () => {});
    socket.end(
      `HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  };
}
