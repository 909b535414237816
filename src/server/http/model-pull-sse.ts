import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModelPull } from '../models/model-pull.ts';

/**
 * Streams a model download's progress as Server-Sent Events: the current state first, then every
 * update, one `data: {model_name, status, completed, total, percent, done, error?}` frame each; the
 * stream ends after the frame with `done: true`. A client that hangs up stops listening; the download
 * goes on.
 */
export function streamModelPullAsSse(options: { request: FastifyRequest; reply: FastifyReply; pull: ModelPull }): void {
  const { request, reply, pull } = options;
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const heartbeat = setInterval(() => {
    if (!response.writableEnded) response.write(': keep-alive\n\n');
  }, 15_000);
  const finish = () => {
    clearInterval(heartbeat);
    if (!response.writableEnded) response.end();
  };
  const unsubscribe = pull.subscribe((progress) => {
    if (!response.writableEnded) response.write(`data: ${JSON.stringify(progress)}\n\n`);
    if (progress.done) finish();
  });
  request.raw.on('close', () => {
    unsubscribe();
    finish();
  });
}
