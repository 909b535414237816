import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/protocol/socket-events.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io-client connected over WebSocket (or polling when asked). */
export async function connect(
  url: string,
  options: { transports?: Array<'websocket' | 'polling'>; extraHeaders?: Record<string, string>; auth?: Record<string, unknown> } = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    path: '/socket.io',
    transports: options.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: options.extraHeaders,
    auth: options.auth,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

/** Resolves with the next `event` whose payload passes `predicate`; rejects after `timeoutMs`. */
export function waitFor<Event extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: Event,
  predicate: (data: Parameters<ServerToClientEvents[Event]>[0]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Parameters<ServerToClientEvents[Event]>[0]> {
  return new Promise((resolve, reject) => {
    const listener = (data: any) => {
      if (!predicate(data)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(data);
    };
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, timeoutMs);
    socket.on(event, listener as never);
  });
}

/** Records every event the socket receives, in order, as `[name, payload]`. */
export function recordEvents(socket: ClientSocket): Array<[string, any]> {
  const log: Array<[string, any]> = [];
  socket.onAny((event, payload) => log.push([event, payload]));
  return log;
}

/** Sends a message and collects its events until `message_complete` or `error` for that chat. */
export async function ask(
  socket: ClientSocket,
  payload: Parameters<ClientToServerEvents['send_message']>[0],
  timeoutMs = 10_000,
): Promise<{ events: Array<[string, any]>; text: string; complete?: any; error?: any }> {
  const chatId = Number(payload.chat_id);
  const events: Array<[string, any]> = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.offAny(listener);
      reject(new Error(`no answer for chat ${chatId} within ${timeoutMs} ms; got ${JSON.stringify(events.slice(-3))}`));
    }, timeoutMs);
    const listener = (event: string, data: any) => {
      if (data?.chat_id !== chatId) return;
      events.push([event, data]);
      if (event === 'message_complete' || event === 'error') {
        clearTimeout(timer);
        socket.offAny(listener);
        const text = events
          .filter(([name]) => name === 'message_token')
          .map(([, data]) => data.token)
          .join('');
        resolve({ events, text, complete: event === 'message_complete' ? data : undefined, error: event === 'error' ? data : undefined });
      }
    };
    socket.onAny(listener);
    socket.emit('send_message', payload);
  });
}
