import type http from 'node:http';
import { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../protocol/socket-events.ts';
import type { AccessPolicy } from '../access/access-policy.ts';
import { createAccountAuthenticator } from '../access/account-authentication.ts';
import { type Actor, LOCAL_ACTOR } from '../access/actor.ts';
import type { AccountService } from '../accounts/account-service.ts';
import { accessPolicyOptions } from '../access/access-policy-options.ts';
import { createEngineAccessMiddleware } from '../access/engine-access-middleware.ts';
import { createOriginPolicy } from '../access/origin-policy.ts';
import { createRequestAccessPolicy } from '../access/request-access.ts';
import { createSessionAuth } from '../access/session-cookie.ts';
import type { ChatService } from '../chat/chat-service.ts';
import type { RunningAnswers } from '../chat/running-answers.ts';
import type { Config } from '../config.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { ADMINS_ROOM, createBroadcaster, credentialRoom, forwardDomainEvents, userRoom } from './broadcast.ts';
import { type ClientLimits, createClientLimits } from '../limits/client-limits.ts';
import { type ClientEventHandler, registerClientEvents } from './client-events.ts';
import { ConnectionRegistry } from './connection-registry.ts';
import type { AppSocket, HandlerContext } from './handler-context.ts';
import { continueMessage, editMessage, regenerateMessage, resumeMessage, sendMessage, stopGeneration } from './handlers/chat-stream.ts';
import { ping } from './handlers/ping.ts';
import { joinChat, leaveChat } from './handlers/chat-room.ts';
import { joinProject, leaveProject } from './handlers/project-room.ts';
import { refuseLegacyClients } from './legacy-client-refusal.ts';
import { inspectPayload, MAX_PAYLOAD_BYTES } from './payload-inspection.ts';
import { applyRevocations } from './revocation.ts';
import { type EngineConnection, SendQueue } from './send-queue.ts';

/** Largest socket message accepted (bytes). Chat messages are ≤ 32k characters; uploads use REST. */
export const MAX_SOCKET_MESSAGE_BYTES = MAX_PAYLOAD_BYTES;

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
  generations: RunningAnswers;
  events: DomainEvents;
  /** Who a token belongs to (AUTH_MODE=accounts). */
  accounts: Pick<AccountService, 'authenticate'>;
  logger: Logger;
  /** Shared with the health route, which reports how many sockets are connected. */
  connections?: ConnectionRegistry;
  /** Socket.IO adapter for rooms across processes (see socket-adapter.ts); in-process when left out. */
  adapter?: ConstructorParameters<typeof Server>[1] extends infer O ? (O extends { adapter?: infer A } ? A : never) : never;
  /** The per-client caps, shared with the HTTP answer route so that both count per address. */
  limits?: ClientLimits;
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
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });

  // Host and Origin on every engine.io request (polls, posts, upgrades), not only at the handshake.
  io.engine.use(createEngineAccessMiddleware({ checkRequest: createRequestAccessPolicy(accessPolicyOptions(config)), logger }));
  io.engine.use(refuseLegacyClients(logger));

  const limits = options.limits ?? createClientLimits(config);
  const sendQueue = new SendQueue(
    { maxPackets: config.SOCKET_SEND_QUEUE_MAX_PACKETS, maxBytes: Math.round(config.SOCKET_SEND_QUEUE_MAX_MB * 1024 * 1024) },
    (_connection, pending) => logger.warn(pending, 'dropping a socket whose send queue is full (it does not read)'),
  );
  io.engine.on('connection', (connection: EngineConnection) => sendQueue.attach(connection));

  const sessions = createSessionAuth(config.API_TOKEN);
  const accountsOn = config.AUTH_MODE === 'accounts';
  const authenticateAccount = createAccountAuthenticator(options.accounts);
  // The user each socket authenticated as at the handshake (accounts on); revocation disconnects it.
  const actors = new WeakMap<AppSocket, Actor>();
  io.use((socket, next) => {
    const auth = inspectPayload(socket.handshake.auth, { maxBytes: config.SOCKET_MAX_HANDSHAKE_BYTES });
    if (!auth.ok) {
      logger.warn({ address: socket.handshake.address, problem: auth.problem }, 'socket handshake refused: auth payload');
      next(new Error(`Handshake auth payload refused: ${auth.problem}`));
      return;
    }
    if (!limits.canConnect(socket.handshake.address)) {
      logger.warn({ address: socket.handshake.address }, 'socket handshake refused: too many connections from one address');
      next(new Error(`Too many connections from this address (at most ${config.SOCKET_MAX_CONNECTIONS_PER_ADDRESS}); close some first`));
      return;
    }
    // `auth.token`, or the web app's session cookie (same CSRF rules as REST; see session-cookie.ts).
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const { headers, query } = socket.handshake;
    if (accountsOn) {
      authenticateAccount({ token, method: 'GET', headers, jsonp: query.j !== undefined }).then(
        (authenticated) => {
          if (!authenticated) {
            logger.warn({ address: socket.handshake.address }, 'socket handshake refused: not signed in');
            next(new Error('Sign in first: pass auth: {token} with a session token or API key, or use the web app signed in'));
            return;
          }
          actors.set(socket, authenticated.actor);
          next();
        },
        (error: unknown) => next(error instanceof Error ? error : new Error('Authentication failed')),
      );
      return;
    }
    if (sessions.authenticates({ token, method: 'GET', headers, jsonp: query.j !== undefined })) {
      next();
      return;
    }
    next(new Error('unauthorized'));
  });

  const connections = options.connections ?? new ConnectionRegistry();
  const broadcaster = createBroadcaster(io);
  const stopForwarding = forwardDomainEvents(
    events,
    broadcaster,
    accountsOn
      ? { io, audience: { projectMemberIds: (projectId) => store.members.userIds(projectId) }, accountsOn, chats: store.chats, logger }
      : { chats: store.chats, logger },
  );
  const stopRevoking = applyRevocations(io, events, logger);

  const handlers: Record<keyof ClientToServerEvents, ClientEventHandler> = {
    join_project: joinProject,
    leave_project: leaveProject,
    join_chat: joinChat,
    leave_chat: leaveChat,
    send_message: sendMessage,
    regenerate_message: regenerateMessage,
    edit_message: editMessage,
    continue_message: continueMessage,
    stop_generation: stopGeneration,
    resume_message: resumeMessage,
    ping,
  };

  io.on('connection', (socket: AppSocket) => {
    // Without an `error` listener a malformed packet could kill the process (CVE-2024-38355).
    socket.on('error', (error) => logger.warn({ err: error, sid: socket.id }, 'socket error'));
    let releaseConnection: () => void;
    try {
      // Counted here, not in the middleware: handshakes run side by side, this runs one at a time.
      releaseConnection = limits.openConnection(socket.handshake.address);
    } catch (error) {
      socket.emit('error', { message: (error as Error).message, code: 'busy' });
      socket.disconnect(true);
      return;
    }
    const connection = connections.open(socket.id, socket.handshake.address);
    socket.data = connection.metadata;

    // The one place the socket edge decides who is asking: the signed-in user, or the local one.
    const actor = accountsOn ? actors.get(socket) : LOCAL_ACTOR;
    if (!actor) {
      socket.disconnect(true);
      releaseConnection();
      connections.close(socket.id);
      return;
    }
    if (actor.kind === 'user') {
      connection.metadata.user_id = actor.userId;
      // Server-named rooms (never from client input): per-user broadcasts and revocation.
      void socket.join([
        userRoom(actor.userId),
        ...(actor.credentialId !== undefined ? [credentialRoom(actor.credentialId)] : []),
        ...(actor.role === 'admin' ? [ADMINS_ROOM] : []),
      ]);
    }
    const context: HandlerContext = { socket, connection, actor, access, store, chats, generations, limits, sendQueue, logger };
    registerClientEvents({ socket, context, handlers, logger });
    socket.on('disconnect', () => {
      connections.close(socket.id);
      releaseConnection();
    });

    socket.emit('connection_status', {
      status: 'connected',
      sid: socket.id,
      connected_at: connection.metadata.connected_at,
    });
  });

  return {
    io,
    connections,
    broadcaster,
    async close(): Promise<void> {
      stopForwarding();
      stopRevoking();
      // `io.local`: with a cluster or Redis adapter, `io.disconnectSockets` would reach every other
      // process and drop their clients too (a restart of one server cut the others' answers off).
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

export type RealtimeGateway = ReturnType<typeof createRealtimeGateway>;
