import type { ErrorEvent } from '../../protocol/socket-events.ts';
import { AppError, ValidationError } from '../errors.ts';
import type { AppSocket, HandlerContext } from './handler-context.ts';
import { inspectPayload } from './payload-inspection.ts';

/** A client event's handler: gets the payload (already checked for size, depth and binary data). */
export type ClientEventHandler = (context: HandlerContext, payload: unknown) => Promise<void> | void;

type Acknowledgement = (response: unknown) => void;

/**
 * The one way a client event reaches a handler. Nothing a client sends can throw out of socket.io's
 * dispatch (which would kill the process): the payload is measured without recursion, the handler
 * runs, and any failure, sync or async, becomes an `error` event. An acknowledgement callback (a
 * function as last argument) is answered with `{ok: true}` or `{ok: false, error}`. Events with no
 * handler get an `error` too. Arguments after the payload are ignored.
 */
export function registerClientEvents(options: {
  socket: AppSocket;
  context: HandlerContext;
  handlers: Record<string, ClientEventHandler>;
  logger: { warn(object: unknown, message?: string): void; error(object: unknown, message?: string): void };
}): void {
  const { socket, context, handlers, logger } = options;

  const dispatch = (event: string, handler: ClientEventHandler | undefined, args: unknown[]): void => {
    const acknowledge = typeof args.at(-1) === 'function' ? (args.pop() as Acknowledgement) : undefined;
    const payload = args[0];
    const fail = (error: unknown) => {
      const wire = errorEventFor(event, payload, error);
      if (!(error instanceof AppError && error.expose)) {
        logger.error({ err: error, event: safeEventName(event), sid: socket.id }, 'socket handler failed');
      }
      try {
        socket.emit('error', wire);
      } catch (emitError) {
        logger.warn({ err: emitError, sid: socket.id }, 'could not send an error event');
      }
      answer({ ok: false, error: wire });
    };
    const answer = (response: unknown) => {
      if (!acknowledge) return;
      try {
        acknowledge(response);
      } catch (ackError) {
        logger.warn({ err: ackError, sid: socket.id }, 'could not answer an acknowledgement');
      }
    };
    let result: Promise<void> | void;
    try {
      if (!handler) throw new ValidationError(`Unknown event: ${safeEventName(event)}`);
      const inspection = inspectPayload(payload);
      if (!inspection.ok) throw new ValidationError(`Invalid ${event} payload: ${inspection.problem}`);
      // Called synchronously, so handlers see events in arrival order.
      result = handler(context, payload);
    } catch (error) {
      fail(error);
      return;
    }
    Promise.resolve(result).then(() => answer({ ok: true }), fail);
  };

  for (const [event, handler] of Object.entries(handlers)) {
    socket.on(event as never, ((...args: unknown[]) => dispatch(event, handler, args)) as never);
  }
  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && Object.hasOwn(handlers, event)) return;
    dispatch(String(event), undefined, args);
  });
}

/** The `error` event for a failure: exposed domain errors as they are, anything else generic. */
function errorEventFor(event: string, payload: unknown, error: unknown): ErrorEvent {
  const chatId = chatIdOf(payload);
  const base =
    error instanceof AppError && error.expose
      ? { message: error.message, code: error.code }
      : { message: `Failed to handle ${safeEventName(event)}: internal error`, code: 'internal' };
  return chatId ? { ...base, chat_id: chatId } : base;
}

/** Event names are client text: shortened and reduced to printable characters before echoing or logging. */
function safeEventName(event: string): string {
  const printable = event.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 64 ? `${printable.slice(0, 64)}…` : printable;
}

function chatIdOf(raw: unknown): number | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const value = Object.hasOwn(raw, 'chat_id') ? (raw as { chat_id?: unknown }).chat_id : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value)) return Number(value);
  return undefined;
}
