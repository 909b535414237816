import type { FastifyReply, FastifyRequest } from 'fastify';
import { openSseStream } from './sse-stream.ts';
import type { PullView } from '../models/model-pulls.ts';

/**
 * Streams a model download's progress as Server-Sent Events: the current state first, then every
 * update, one `data: {model_name, status, completed, total, percent, done, error?}` frame each; the
 * stream ends after the frame with `done: true`. A client that hangs up stops listening; the download
 * goes on.
 */
export function streamModelPullAsSse(options: { request: FastifyRequest; reply: FastifyReply; pull: PullView }): void {
  const { request, reply, pull } = options;
  let unsubscribe = () => {};
  const stream = openSseStream({ request, reply, onClose: () => unsubscribe() });
  unsubscribe = pull.subscribe((progress) => {
    stream.send(progress);
    if (progress.done) stream.end();
  });
}
