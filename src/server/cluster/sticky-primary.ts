import { EventEmitter } from 'node:events';
import type http from 'node:http';
import type net from 'node:net';
import { setupMaster } from '@socket.io/sticky';

/** The libuv stream under a net.Socket (Node keeps it in `_handle`). */
type StreamHandle = { readStop?: () => number };

/**
 * The primary's side of sticky sessions: `@socket.io/sticky`'s `setupMaster` (route each connection
 * by engine.io `sid`, round-robin for a handshake), fed by a plain TCP server and with two fixes.
 *
 * 1. Sticky reads a connection's first chunk, then sends the socket's handle to a worker. Node's
 *    handle transfer only sets the primary's `onread` to a no-op and closes the primary's copy once
 *    the worker acknowledges, so until then the primary keeps reading the same kernel socket and
 *    throws away what it reads. A WebSocket client sends its first frame (the Socket.IO CONNECT,
 *    `40`) as soon as the engine.io open packet arrives; when the primary read it first, the connect
 *    never completed and the server closed it after `connectTimeout`. So the primary stops reading
 *    right after the first chunk of a connection it hands over.
 * 2. Sticky chooses among all forked workers, also one still starting, which drops what it is sent
 *    (it has no listener yet): a connection made during a worker restart hung. While a worker starts,
 *    new connections wait here unread (the kernel keeps their bytes) and go on once it is ready.
 */
/** `server` must be a `net.Server` made with `pauseOnConnect: true`. */
export function setupStickyPrimary(server: net.Server, options: { maxWaiting?: number } = {}) {
  const maxWaiting = options.maxWaiting ?? 10_000;
  // Sticky only listens for `connection`; it never needs the HTTP parser, which would read the socket.
  const dispatcher = new EventEmitter();
  setupMaster(dispatcher as unknown as http.Server, { loadBalancingMethod: 'round-robin' });
  // Registered after sticky's listener, so this runs once sticky has routed the first chunk.
  dispatcher.on('connection', (socket: net.Socket) => {
    const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
    socket.once('data', (chunk: Buffer) => {
      const end = chunk.indexOf('\r\n\r\n');
      const head = chunk
        .subarray(0, end === -1 ? chunk.length : end)
        .toString('latin1')
        .toLowerCase();
      // Sticky's own test for "the primary keeps the socket and forwards the body over IPC".
      if (head.includes('content-length:') || head.includes('transfer-encoding:')) return;
      handle?.readStop?.();
    });
  });

  const waiting = new Set<net.Socket>();
  let starting = 0;
  // The server is made with `pauseOnConnect`: nothing is read before the connection is dispatched.
  const dispatch = (socket: net.Socket) => {
    dispatcher.emit('connection', socket);
    socket.resume();
  };
  server.on('connection', (socket: net.Socket) => {
    // A reset from the client must not be an unhandled `error` in the primary.
    socket.on('error', () => socket.destroy());
    if (starting === 0) {
      dispatch(socket);
      return;
    }
    if (waiting.size >= maxWaiting) {
      socket.destroy();
      return;
    }
    waiting.add(socket);
    socket.once('close', () => waiting.delete(socket));
  });

  return {
    /** A worker was forked: hold new connections until it is ready (or gone). */
    workerStarting(): void {
      starting += 1;
    },
    workerSettled(): void {
      starting = Math.max(0, starting - 1);
      if (starting > 0) return;
      const held = [...waiting];
      waiting.clear();
      for (const socket of held) if (!socket.destroyed) dispatch(socket);
    },
  };
}
