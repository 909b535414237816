import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseStream {
  /** Writes one `data: <json>` frame (ignored once the stream has ended). */
  send(frame: unknown): void;
  end(): void;
}

/**
 * Takes over a reply as a Server-Sent Events stream with a keep-alive comment every 15 s (so proxies
 * keep it open). `onClose` runs once when the client hangs up or the stream ends.
 */
export function openSseStream(options: { request: FastifyRequest; reply: FastifyReply; onClose: () => void }): SseStream {
  const { reply, onClose } = options;
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
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    onClose();
  };
  // The response's 'close', not the request's: a POST body has been read by now, and the request
  // emitted its own 'close' then; only the response hears the client hang up.
  response.on('close', close);
  return {
    send(frame) {
      if (!response.writableEnded) response.write(`data: ${JSON.stringify(frame)}\n\n`);
    },
    end() {
      if (!response.writableEnded) response.end();
      close();
    },
  };
}
