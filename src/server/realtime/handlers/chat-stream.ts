import {
  ContinueMessagePayload,
  EditMessagePayload,
  RegenerateMessagePayload,
  ResumeMessagePayload,
  SendMessagePayload,
  StopGenerationPayload,
} from '../../../protocol/socket-events.ts';
import { type GenerationEvent, isTerminal } from '../../chat/generation-event.ts';
import type { RunningAnswer } from '../../chat/running-answers.ts';
import { NotFoundError } from '../../errors.ts';
import type { HandlerContext } from '../handler-context.ts';
import { parsePayload } from '../payload.ts';
import { answerRoom } from '../broadcast.ts';
import { generationEventToWire } from '../to-wire.ts';
import { showChat } from './chat-room.ts';

/**
 * Streams an answer's events to this socket until it ends or the socket goes. The answer keeps its
 * own log, so this is a cursor into it: while the socket's send queue is half full (a slow or paused
 * client, or the burst of a long resume) it waits for the queue to drain instead of piling events
 * into memory. The queue's hard bound then only trips on other traffic, and drops the socket.
 * The socket is in the project's answer room while it listens; once revocation takes it out, the
 * stream ends before the next event.
 */
function listen(
  context: HandlerContext,
  generation: RunningAnswer,
  projectId: number,
  replay: { afterSeq: number; includeReceived?: boolean },
): void {
  const { socket, connection, sendQueue } = context;
  connection.subscriptions.get(generation.chatId)?.();
  const room = answerRoom(projectId);
  void socket.join(room);
  const wanted = (event: GenerationEvent) =>
    !(event.type === 'received' && !replay.includeReceived) && !(event.type === 'token' && event.seq <= replay.afterSeq);
  let next = 0;
  let waiting = false;
  let stopped = false;
  const pump = () => {
    if (waiting || stopped) return;
    const log = generation.events;
    while (next < log.length) {
      if (!socket.connected) return;
      if (!socket.rooms.has(room)) {
        stop();
        return;
      }
      if (sendQueue.isBackedUp(socket.conn)) {
        waiting = true;
        sendQueue.whenDrained(socket.conn, () => {
          waiting = false;
          pump();
        });
        return;
      }
      const event = log[next]!;
      next += 1;
      if (!wanted(event)) continue;
      const wire = generationEventToWire(event);
      if (wire) (socket.emit as (name: string, data: unknown) => void)(wire[0], wire[1]);
      if (isTerminal(event)) stop();
    }
  };
  const unsubscribe = generation.subscribe(pump);
  const stop = () => {
    stopped = true;
    unsubscribe();
    if (connection.subscriptions.get(generation.chatId) === stop) connection.subscriptions.delete(generation.chatId);
  };
  connection.subscriptions.set(generation.chatId, stop);
  pump();
}

/**
 * Starts an answer for this socket and streams it: everything published so far (at least
 * `received`) is replayed, then the rest follows live; any socket can resume it later.
 */
async function startAnswer(context: HandlerContext, chatId: number, start: () => Promise<RunningAnswer>): Promise<void> {
  const chat = await context.access.requireChat(context.actor, chatId, 'read');
  // The sender shows this chat: its room hears the chat's own events (another tab's question, a rename).
  showChat(context, chat).catch((error: unknown) => context.logger.warn({ err: error }, 'could not join the chat room'));
  const release = context.limits.reserveAnswer(context.socket.id, context.connection.address);
  let generation: RunningAnswer;
  try {
    generation = await start();
  } catch (error) {
    release();
    throw error;
  }
  void generation.whenFinished().then(release);
  if (!context.socket.connected) return;
  listen(context, generation, chat.projectId, { afterSeq: 0, includeReceived: true });
}

/** `send_message`: the seed's flow; events go to the sender, resumable by any socket later. */
export async function sendMessage(context: HandlerContext, raw: unknown): Promise<void> {
  const input = parsePayload('send_message', SendMessagePayload, raw);
  await startAnswer(context, input.chat_id, () => context.chats.sendMessage(context.actor, { ...input, chatId: input.chat_id }));
}

/** **ext** `regenerate_message`: a new version of an answer, streamed like `send_message`'s. */
export async function regenerateMessage(context: HandlerContext, raw: unknown): Promise<void> {
  const input = parsePayload('regenerate_message', RegenerateMessagePayload, raw);
  await startAnswer(context, input.chat_id, () =>
    context.chats.regenerateAnswer(context.actor, { ...input, chatId: input.chat_id, messageId: input.message_id }),
  );
}

/** **ext** `edit_message`: an edited question as a new branch, answered like `send_message`'s. */
export async function editMessage(context: HandlerContext, raw: unknown): Promise<void> {
  const input = parsePayload('edit_message', EditMessagePayload, raw);
  await startAnswer(context, input.chat_id, () =>
    context.chats.editQuestion(context.actor, { ...input, chatId: input.chat_id, messageId: input.message_id }),
  );
}

/** **ext** `continue_message`: the model goes on writing a stopped answer, streamed like `send_message`'s. */
export async function continueMessage(context: HandlerContext, raw: unknown): Promise<void> {
  const input = parsePayload('continue_message', ContinueMessagePayload, raw);
  await startAnswer(context, input.chat_id, () =>
    context.chats.continueAnswer(context.actor, { ...input, chatId: input.chat_id, messageId: input.message_id }),
  );
}

/** `stop_generation`: aborts the upstream request; the partial answer is saved as stopped. */
export async function stopGeneration(context: HandlerContext, raw: unknown): Promise<void> {
  const { chat_id: chatId } = parsePayload('stop_generation', StopGenerationPayload, raw);
  await context.access.requireChat(context.actor, chatId, 'write');
  const generation = await context.generations.find(chatId);
  if (!generation || generation.finished) {
    throw new NotFoundError(`No answer is being generated in chat ${chatId}`);
  }
  generation.stop('stopped');
}

/** `resume_message`: replays the tokens after `after_seq`, then follows the answer live. */
export async function resumeMessage(context: HandlerContext, raw: unknown): Promise<void> {
  const { chat_id: chatId, after_seq: afterSeq } = parsePayload('resume_message', ResumeMessagePayload, raw);
  const chat = await context.access.requireChat(context.actor, chatId, 'read');
  const generation = await context.generations.find(chatId);
  if (!generation) {
    throw new NotFoundError(`No answer to resume in chat ${chatId}; load the chat's messages instead`);
  }
  showChat(context, chat).catch((error: unknown) => context.logger.warn({ err: error }, 'could not join the chat room'));
  listen(context, generation, chat.projectId, { afterSeq });
}
