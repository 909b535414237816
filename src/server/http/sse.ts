import type { FastifyReply, FastifyRequest } from 'fastify';
import { openSseStream } from './sse-stream.ts';
import type { Generation } from '../chat/generation.ts';
import { assertNever, type GenerationEvent } from '../chat/generation-event.ts';

/**
 * Maps an answer to the original's SSE frames: `sources`, `token`*, `done`, then `complete`; or
 * `error`. Tokens also carry `seq`. A client that hangs up stops listening, and the answer's grace
 * period starts, as on a socket.
 */
export function streamGenerationAsSse(options: { request: FastifyRequest; reply: FastifyReply; generation: Generation }) {
  const { request, reply, generation } = options;
  let unsubscribe = () => {};
  const stream = openSseStream({ request, reply, onClose: () => unsubscribe() });
  const write = (frame: unknown) => stream.send(frame);
  const finish = () => stream.end();

  unsubscribe = generation.subscribe(
    (event: GenerationEvent) => {
      switch (event.type) {
        case 'received':
          write({ type: 'received', data: { user_message_id: event.userMessageId } });
          return;
        case 'sources':
          write({ type: 'sources', data: event.sources });
          return;
        case 'token':
          write({ type: 'token', data: event.text, seq: event.seq, message_id: event.messageId });
          return;
        case 'done':
          write({
            type: 'done',
            data: {
              model: event.model,
              sources_count: event.sourcesCount,
              message_id: event.messageId,
              stopped: event.status === 'stopped',
              status: event.status,
            },
          });
          write({ type: 'complete' });
          finish();
          return;
        case 'error':
          write({
            type: 'error',
            data: event.error.expose ? event.error.message : 'The answer failed because of an internal error',
            code: event.error.code,
          });
          finish();
          return;
        default:
          assertNever(event);
      }
    },
    { afterSeq: 0, includeReceived: true },
  );
}
