import type { Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../protocol/socket-events.ts';
import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import type { ChatService } from '../chat/chat-service.ts';
import type { GenerationRegistry } from '../chat/generation-registry.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { ConnectionState } from './connection-registry.ts';

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface HandlerContext {
  socket: AppSocket;
  connection: ConnectionState;
  /** Who is on the other end of this socket; every event is authorized for it. */
  actor: Actor;
  access: AccessPolicy;
  store: Store;
  chats: ChatService;
  generations: GenerationRegistry;
  logger: Logger;
}
