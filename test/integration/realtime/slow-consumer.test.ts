import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

/** Raw Engine.IO/Socket.IO clients over `ws`, so the TCP socket can be paused. */
async function rawClient(url: string) {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const frames: string[] = [];
  socket.on('message', (data) => {
    const frame = data.toString();
    if (frame === '2') socket.send('3'); // Engine.IO heartbeat
    frames.push(frame);
  });
  await new Promise((resolve) => socket.once('open', resolve));
  await until(() => frames.some((frame) => frame.startsWith('0{')));
  socket.send('40');
  await until(() => frames.some((frame) => frame.startsWith('40{')));
  return {
    socket,
    frames,
    emit: (event: string, payload: unknown) => socket.send(`42${JSON.stringify([event, payload])}`),
    events: (name: string) => frames.filter((frame) => frame.startsWith(`42["${name}"`)).map((frame) => JSON.parse(frame.slice(2))[1]),
  };
}

type RawClient = Awaited<ReturnType<typeof rawClient>>;

function pause(client: RawClient): void {
  (client.socket as unknown as { _socket: import('node:net').Socket })._socket.pause();
}

/** What the server holds for a socket: Engine.IO's write buffer, in packets and characters. */
function serverQueue(server: TestServer, sid: string): { packets: number; bytes: number } {
  const socket = server.gateway.io.sockets.sockets.get(sid);
  const buffer = (socket?.conn as unknown as { writeBuffer?: Array<{ data?: unknown }> } | undefined)?.writeBuffer ?? [];
  return {
    packets: buffer.length,
    bytes: buffer.reduce((sum, packet) => sum + (typeof packet.data === 'string' ? packet.data.length : 0), 0),
  };
}

describe('a client that stops reading', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('spamming pings while paused: dropped at the send-queue bound, the queue never past it', async () => {
    server = await startTestServer({ SOCKET_SEND_QUEUE_MAX_PACKETS: 500, SOCKET_SEND_QUEUE_MAX_MB: 1 });
    const paused = await rawClient(server.url);
    const sid = [...server.gateway.io.sockets.sockets.keys()][0]!;
    pause(paused);
    const echo = { filler: 'p'.repeat(900) };
    let largest = 0;
    // 1. Pings keep coming (the server reads them); pongs pile up since the client reads nothing.
    while (server.gateway.io.sockets.sockets.has(sid)) {
      for (let index = 0; index < 200; index += 1) paused.emit('ping', echo);
      await new Promise((resolve) => setTimeout(resolve, 5));
      largest = Math.max(largest, serverQueue(server, sid).packets);
    }
    // 2. Dropped, and the queue stayed within the bound (plus the one burst that crossed it).
    expect(largest).toBeLessThanOrEqual(500 + 200);
    // 3. Others are still served.
    const reader = await rawClient(server.url);
    reader.emit('ping', { marker: 'alive' });
    await until(() => reader.events('pong').some((pong) => pong.echo?.marker === 'alive'));
    paused.socket.terminate();
    reader.socket.close();
  });

  it('a paused client mid-answer: the answer waits on its send queue, goes on, and a resume gets all of it once', async () => {
    server = await startTestServer({ SOCKET_SEND_QUEUE_MAX_PACKETS: 400, SOCKET_SEND_QUEUE_MAX_MB: 1 });
    const { chatId } = await createProjectAndChat(server);
    // Thousands of separate network reads (one token each), far more than the send queue's bound.
    const tokens = Array.from({ length: 3_000 }, (_, index) => `${index}:${'x'.repeat(20)} `);
    server.ollama.queue({ tokens, tokenDelayMs: 1 });

    const slow = await rawClient(server.url);
    const sid = [...server.gateway.io.sockets.sockets.keys()][0]!;
    slow.emit('send_message', { chat_id: chatId, message: 'flood me', max_tokens: 32_768 });
    await until(() => slow.events('message_token').length > 0);
    pause(slow);

    // 1. The answer goes on while its listener is paused, and the paused socket's queue stays bounded.
    let largest = 0;
    await until(() => {
      largest = Math.max(largest, serverQueue(server, sid).packets);
      return server.generations.get(chatId)!.events.length > 1_000;
    }, 20_000);
    expect(largest).toBeLessThanOrEqual(400);
    expect(server.gateway.io.sockets.sockets.has(sid)).toBe(true);

    // 2. A client that reads resumes from the start: the replay (more events than the bound) is
    // paced by its send queue, so it is not dropped, and it gets every token exactly once.
    const reader = await rawClient(server.url);
    reader.emit('resume_message', { chat_id: chatId, after_seq: 0 });
    await until(() => reader.events('message_complete').length > 0, 30_000);
    expect(reader.events('message_complete')[0].metadata.status).toBe('complete');
    const received = reader.events('message_token');
    expect(received.map((token) => token.seq)).toEqual(received.map((_, index) => index + 1));
    expect(received.map((token) => token.token).join('')).toBe(tokens.join(''));
    expect(received.length).toBeGreaterThan(400);
    slow.socket.terminate();
    reader.socket.close();
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
