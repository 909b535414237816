import {
  ResumeMessagePayload,
  SendMessagePayload,
  StopGenerationPayload,
} from '../../../protocol/socket-events.ts';
import type { GenerationEvent } from '../../chat/generation-event.ts';
import type { Generation } from '../../chat/generation.ts';
import { NotFoundError } from '../../errors.ts';
import type { HandlerContext } from '../handler-context.ts';
import { parsePayload } from '../payload.ts';
import { generationEventToWire } from '../to-wire.ts';

/**
 * How much may wait in a socket's send queue before it counts as a slow consumer. Socket.IO's queue
 * has no bound of its own; a paused client would otherwise grow server memory without limit. The
 * dropped client can reconnect and `resume_message`.
 */
const MAX_PENDING_PACKETS = 2_000;
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

function isSlowConsumer(socket: HandlerContext['socket']): boolean {
  const pending = (socket.conn as unknown as { writeBuffer?: Array<{ data?: unknown }> }).writeBuffer;
  if (!pending || pending.length < 64) return false;
  if (pending.length > MAX_PENDING_PACKETS) return true;
  let bytes = 0;
  for (const packet of pending) bytes += typeof packet.data === 'string' ? packet.data.length : 0;
  return bytes > MAX_PENDING_BYTES;
}

/** Streams an answer's events to this socket until it ends or the socket goes. */
function listen(
  context: HandlerContext,
  generation: Generation,
  replay: { afterSeq: number; includeReceived?: boolean },
): void {
  const { socket, connection } = context;
  connection.subscriptions.get(generation.chatId)?.();
  // The replay of a resume is one synchronous burst bounded by the answer's size; only live events
  // count towards the slow-consumer limit.
  let replaying = true;
  const unsubscribe = generation.subscribe(
    (event: GenerationEvent) => {
      if (!replaying && isSlowConsumer(socket)) {
        context.logger.warn({ sid: socket.id, chatId: generation.chatId }, 'dropping a socket that does not read its answer');
        socket.disconnect(true);
        return;
      }
      const wire = generationEventToWire(event);
      if (wire) (socket.emit as (name: string, data: unknown) => void)(wire[0], wire[1]);
      if (event.type === 'done' || event.type === 'error') connection.subscriptions.delete(generation.chatId);
    },
    replay,
  );
  replaying = false;
  if (!generation.finished) connection.subscriptions.set(generation.chatId, unsubscribe);
}

/** `send_message`: the seed's flow; events go to the sender, resumable by any socket later. */
export async function sendMessage(context: HandlerContext, raw: unknown): Promise<void> {
  const input = parsePayload('send_message', SendMessagePayload, raw);
  context.connection.metadata.chat_id = input.chat_id;
  context.socket.data.chat_id = input.chat_id;
  const generation = await context.chats.sendMessage(context.actor, { ...input, chatId: input.chat_id });
  if (!context.socket.connected) return;
  // Everything published so far (at least `received`) is replayed, then the rest follows live.
  listen(context, generation, { afterSeq: 0, includeReceived: true });
}

/** `stop_generation`: aborts the upstream request; the partial answer is saved as stopped. */
export async function stopGeneration(context: HandlerContext, raw: unknown): Promise<void> {
  const { chat_id: chatId } = parsePayload('stop_generation', StopGenerationPayload, raw);
  await context.access.requireChat(context.actor, chatId, 'write');
  const generation = context.generations.get(chatId);
  if (!generation || generation.finished) {
    throw new NotFoundError(`No answer is being generated in chat ${chatId}`);
  }
  generation.stop('stopped');
}

/** `resume_message`: replays the tokens after `after_seq`, then follows the answer live. */
export async function resumeMessage(context: HandlerContext, raw: unknown): Promise<void> {
  const { chat_id: chatId, after_seq: afterSeq } = parsePayload('resume_message', ResumeMessagePayload, raw);
  await context.access.requireChat(context.actor, chatId, 'read');
  const generation = context.generations.get(chatId);
  if (!generation) {
    throw new NotFoundError(`No answer to resume in chat ${chatId}; load the chat's messages instead`);
  }
  context.connection.metadata.chat_id = chatId;
  listen(context, generation, { afterSeq });
}
