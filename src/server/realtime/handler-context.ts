import type { Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../protocol/socket-events.ts';
import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import type { ChatService } from '../chat/chat-service.ts';
import type { RunningAnswers } from '../chat/running-answers.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { ClientLimits } from '../limits/client-limits.ts';
import type { ConnectionState } from './connection-registry.ts';
import type { SendQueue } from './send-queue.ts';

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface HandlerContext {
  socket: AppSocket;
  connection: ConnectionState;
  /** Who is on the other end of this socket; every event is authorized for it. */
  actor: Actor;
  access: AccessPolicy;
  store: Store;
  chats: ChatService;
  generations: RunningAnswers;
  /** Per-connection and per-address caps (running answers). */
  limits: ClientLimits;
  /** The bound on the socket's send queue; answers wait on it instead of piling up. */
  sendQueue: SendQueue;
  logger: Logger;
}
