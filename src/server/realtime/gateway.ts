import type http from 'node:http';
import { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../protocol/socket-events.ts';
import type { AccessPolicy } from '../access/access-policy.ts';
import { LOCAL_ACTOR } from '../access/actor.ts';
import { accessPolicyOptions } from '../access/access-policy-options.ts';
import { createEngineAccessMiddleware } from '../access/engine-access-middleware.ts';
import { createOriginPolicy } from '../access/origin-policy.ts';
import { createRequestAccessPolicy } from '../access/request-access.ts';
import { createSessionAuth } from '../access/session-cookie.ts';
import type { ChatService } from '../chat/chat-service.ts';
import type { GenerationRegistry } from '../chat/generation-registry.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { createBroadcaster, forwardDomainEvents } from './broadcast.ts';
import { ConnectionRegistry } from './connection-registry.ts';
import type { AppSocket, HandlerContext } from './handler-context.ts';
import { resumeMessage, sendMessage, stopGeneration } from './handlers/chat-stream.ts';
import { joinProject, leaveProject } from './handlers/project-room.ts';

/** Largest socket message accepted (bytes). Chat messages are ≤ 32k characters; uploads use REST. */
export const MAX_SOCKET_MESSAGE_BYTES = 256 * 1024;
/** Largest `ping` payload echoed back. */
const MAX_PING_ECHO_BYTES = 1024;

type Handler = (context: HandlerContext, raw: unknown) => Promise<void>;

/**
 * The Socket.IO gateway on the app's HTTP server: origin check at the handshake (polling and
 * upgrade), optional token auth, then per event: parse → authorize → domain → map to the seed's
 * events. Connection state recovery stays off: it would replay room traffic before auth runs.
 */
export function createRealtimeGateway(options: {
  httpServer: http.Server;
  config: Config;
  store: Store;
  access: AccessPolicy;
  chats: ChatService;
  generations: GenerationRegistry;
  events: DomainEvents;
  logger: Logger;
  /** Shared with the health route, which reports how many sockets are connected. */
  connections?: ConnectionRegistry;
}) {
  const { httpServer, config, store, access, chats, generations, events, logger } = options;
  const isOriginAllowed = createOriginPolicy(config.corsOrigins);

  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    path: '/socket.io/',
    serveClient: false,
    cors: { origin: config.corsOrigins, credentials: false },
    allowRequest: (request, callback) => {
      const allowed = isOriginAllowed(request.headers.origin, request.headers.host);
      if (!allowed) logger.warn({ origin: request.headers.origin }, 'socket handshake refused: origin not allowed');
      callback(allowed ? null : 'origin not allowed', allowed);
    },
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    connectTimeout: 10_000,
    perMessageDeflate: false,
  });

  // Host and Origin on every engine.io request (polls, posts, upgrades), not only at the handshake.
  io.engine.use(createEngineAccessMiddleware({ checkRequest: createRequestAccessPolicy(accessPolicyOptions(config)), logger }));

  const sessions = createSessionAuth(config.API_TOKEN);
  io.use((socket, next) => {
    // `auth.token`, or the web app's session cookie (same CSRF rules as REST; see session-cookie.ts).
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const { headers, query } = socket.handshake;
    if (sessions.authenticates({ token, method: 'GET', headers, jsonp: query.j !== undefined })) {
      next();
      return;
    }
    next(new Error('unauthorized'));
  });

  const connections = options.connections ?? new ConnectionRegistry();
  const broadcaster = createBroadcaster(io);
  const stopForwarding = forwardDomainEvents(events, broadcaster);

  const handlers: Record<Exclude<keyof ClientToServerEvents, 'ping'>, Handler> = {
    join_project: joinProject,
    leave_project: leaveProject,
    send_message: sendMessage,
    stop_generation: stopGeneration,
    resume_message: resumeMessage,
  };

  io.on('connection', (socket: AppSocket) => {
    const connection = connections.open(socket.id);
    socket.data = connection.metadata;
    // Without an `error` listener a malformed packet could kill the process (CVE-2024-38355).
    socket.on('error', (error) => logger.warn({ err: error, sid: socket.id }, 'socket error'));

    // The one place the socket edge decides who is asking: the local user until accounts exist.
    const context: HandlerContext = { socket, connection, actor: LOCAL_ACTOR, access, store, chats, generations, logger };
    for (const [event, handler] of Object.entries(handlers)) {
      socket.on(event as keyof ClientToServerEvents, (raw: unknown) => {
        handler(context, raw).catch((error: unknown) => reportError(socket, event, raw, error));
      });
    }
    socket.on('ping', (raw: unknown) => {
      const echo = raw !== undefined && JSON.stringify(raw ?? null).length <= MAX_PING_ECHO_BYTES ? raw : undefined;
      socket.emit('pong', { timestamp: Date.now(), ...(echo !== undefined ? { echo } : {}) });
    });
    socket.on('disconnect', () => connections.close(socket.id));

    socket.emit('connection_status', {
      status: 'connected',
      sid: socket.id,
      connected_at: connection.metadata.connected_at,
    });
  });

  function reportError(socket: AppSocket, event: string, raw: unknown, error: unknown): void {
    const chatId = chatIdOf(raw);
    if (error instanceof AppError && error.expose) {
      socket.emit('error', { message: error.message, code: error.code, ...(chatId ? { chat_id: chatId } : {}) });
      return;
    }
    logger.error({ err: error, event, sid: socket.id }, 'socket handler failed');
    socket.emit('error', {
      message: `Failed to handle ${event}: internal error`,
      code: 'internal',
      ...(chatId ? { chat_id: chatId } : {}),
    });
  }

  return {
    io,
    connections,
    broadcaster,
    async close(): Promise<void> {
      stopForwarding();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

export type RealtimeGateway = ReturnType<typeof createRealtimeGateway>;

function chatIdOf(raw: unknown): number | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const value = (raw as { chat_id?: unknown }).chat_id;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value)) return Number(value);
  return undefined;
}
