import type { EventEmitter } from 'node:events';

/** The part of an Engine.IO connection (`socket.conn`) the bound needs. */
export interface EngineConnection extends EventEmitter {
  close(discard?: boolean): unknown;
}

interface QueueState {
  packets: number;
  bytes: number;
  overflowed: boolean;
}

export interface SendQueueLimits {
  maxPackets: number;
  maxBytes: number;
}

/**
 * One bound on what the server holds for a socket that does not read: Engine.IO's write buffer has
 * none of its own (socketio/engine.io#420), so a paused client would grow memory without limit.
 * Every packet to a socket (answers, `pong`, room broadcasts, heartbeats) passes Engine.IO's
 * `packetCreate`, so counting there covers all of them; `flush` hands the buffer to the transport,
 * which takes a new batch only once the previous one reached the kernel. Past the bound the
 * connection is closed; the client may reconnect and resume its answer.
 */
export class SendQueue {
  private readonly states = new WeakMap<EngineConnection, QueueState>();

  constructor(
    private readonly limits: SendQueueLimits,
    private readonly onOverflow: (connection: EngineConnection, pending: { packets: number; bytes: number }) => void,
  ) {}

  /** Starts counting a new Engine.IO connection's queue. */
  attach(connection: EngineConnection): void {
    const state: QueueState = { packets: 0, bytes: 0, overflowed: false };
    this.states.set(connection, state);
    connection.on('packetCreate', (packet: { data?: unknown }) => {
      state.packets += 1;
      state.bytes += sizeOf(packet.data);
      if (state.overflowed || (state.packets <= this.limits.maxPackets && state.bytes <= this.limits.maxBytes)) return;
      state.overflowed = true;
      const pending = { packets: state.packets, bytes: state.bytes };
      // Closed on the next tick: this runs inside socket.io's emit (maybe a room broadcast loop).
      process.nextTick(() => {
        this.onOverflow(connection, pending);
        // `discard`: do not wait for a drain that a paused client will never allow.
        connection.close(true);
      });
    });
    connection.on('flush', () => {
      state.packets = 0;
      state.bytes = 0;
    });
  }

  /** What is waiting in the connection's queue now. */
  pending(connection: EngineConnection): { packets: number; bytes: number } {
    const state = this.states.get(connection);
    return state ? { packets: state.packets, bytes: state.bytes } : { packets: 0, bytes: 0 };
  }

  /**
   * Half full: a sender that can wait (an answer, which keeps its own log) should wait for
   * `whenDrained`, leaving the other half for everything else.
   */
  isBackedUp(connection: EngineConnection): boolean {
    const state = this.states.get(connection);
    return state !== undefined && (state.packets * 2 >= this.limits.maxPackets || state.bytes * 2 >= this.limits.maxBytes);
  }

  /** Calls back once the queue was handed to the transport (never, if the connection closes first). */
  whenDrained(connection: EngineConnection, callback: () => void): void {
    connection.once('drain', callback);
  }
}

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
