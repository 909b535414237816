import type http from 'node:http';

/** What a socket.io-client 2.x (Engine.IO protocol 3) is told instead of its bare "xhr poll error". */
export const LEGACY_CLIENT_MESSAGE =
  'This server speaks Socket.IO v4 (Engine.IO protocol 4): socket.io-client 2.x is not supported; use socket.io-client v3 or v4';

/**
 * An Engine.IO middleware (`io.engine.use`) that answers protocol-3 requests (`EIO=3`, sent by
 * socket.io-client 2.x) with HTTP 400 and a sentence naming the fix, and logs each one.
 * Engine.IO itself would refuse them too (`allowEIO3` is off), but with a bare code the client
 * never shows.
 */
export function refuseLegacyClients(logger: { warn(object: unknown, message?: string): void }) {
  return (request: http.IncomingMessage, response: http.ServerResponse, next: (error?: Error) => void): void => {
    if (protocolOf(request.url) !== '3') {
      next();
      return;
    }
    logger.warn(
      { address: request.socket.remoteAddress, userAgent: request.headers['user-agent'] },
      'socket.io-client 2.x (Engine.IO protocol 3) refused: it must be upgraded to v3 or v4',
    );
    // A WebSocket upgrade gets Engine.IO's stand-in response, whose `end()` closes the TCP socket.
    if (typeof response.writeHead === 'function') {
      response.writeHead(400, { 'content-type': 'application/json' });
    }
    response.end(JSON.stringify({ code: 5, message: LEGACY_CLIENT_MESSAGE }));
    // `next` is not called: the request is answered.
  };
}

function protocolOf(url: string | undefined): string | null {
  if (!url) return null;
  const query = url.indexOf('?');
  if (query === -1) return null;
  return new URLSearchParams(url.slice(query + 1)).get('EIO');
}
