import type { Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../protocol/socket-events.ts';
import type { ChatService } from '../chat/chat-service.ts';
import type { GenerationRegistry } from '../chat/generation-registry.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { ConnectionState } from './connection-registry.ts';

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface HandlerContext {
  socket: AppSocket;
  connection: ConnectionState;
  store: Store;
  chats: ChatService;
  generations: GenerationRegistry;
  logger: Logger;
}
