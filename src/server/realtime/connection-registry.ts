import type { SocketData } from '../../protocol/socket-events.ts';

/** What the server holds for one connection: the seed's metadata and the answers it listens to. */
export interface ConnectionState {
  metadata: SocketData;
  /** The client's address, for the per-address caps. */
  address: string;
  /** The room of the chat this connection shows (`metadata.chat_id`), if it joined one. */
  chatRoom: string | null;
  /** chat id → stop listening to that chat's answer. */
  subscriptions: Map<number, () => void>;
}

/** The seed's `active_connections`: one entry per live socket, removed on disconnect. */
export class ConnectionRegistry {
  private readonly connections = new Map<string, ConnectionState>();

  open(socketId: string, address: string): ConnectionState {
    const state: ConnectionState = {
      metadata: { connected_at: new Date().toISOString(), project_id: null, chat_id: null },
      address,
      chatRoom: null,
      subscriptions: new Map(),
    };
    this.connections.set(socketId, state);
    return state;
  }

  get(socketId: string): ConnectionState | undefined {
    return this.connections.get(socketId);
  }

  /** Stops every subscription of the socket (its answers then start their grace period) and forgets it. */
  close(socketId: string): void {
    const state = this.connections.get(socketId);
    if (!state) return;
    for (const unsubscribe of state.subscriptions.values()) unsubscribe();
    state.subscriptions.clear();
    this.connections.delete(socketId);
  }

  get size(): number {
    return this.connections.size;
  }

  snapshot(): Array<{ sid: string } & SocketData> {
    return [...this.connections].map(([sid, state]) => ({ sid, ...state.metadata }));
  }
}
