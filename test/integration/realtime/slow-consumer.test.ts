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
    events: (name: string) =>
      frames.filter((frame) => frame.startsWith(`42["${name}"`)).map((frame) => JSON.parse(frame.slice(2))[1]),
  };
}

describe('a client that stops reading', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('is dropped once its send queue passes the limit; the answer goes on and can be resumed', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    // 40 MB of answer, far more than the kernel buffers hold.
    const tokens = Array.from({ length: 40_000 }, (_, index) => `${index}:${'x'.repeat(1_000)} `);
    server.ollama.queue({ tokens });

    const slow = await rawClient(server.url);
    const sid = [...server.gateway.io.sockets.sockets.keys()][0]!;
    slow.emit('send_message', { chat_id: chatId, message: 'flood me' });
    await until(() => slow.events('message_token').length > 0);
    (slow.socket as unknown as { _socket: import('node:net').Socket })._socket.pause();

    await until(() => !server.gateway.io.sockets.sockets.has(sid), 20_000);
    expect(server.gateway.connections.get(sid)).toBeUndefined();
    expect(server.generations.get(chatId)!.signal.aborted).toBe(false);

    // A client that reads picks the answer up and gets all of it, once.
    const reader = await rawClient(server.url);
    reader.emit('resume_message', { chat_id: chatId, after_seq: 0 });
    await until(() => reader.events('message_complete').length > 0, 30_000);
    expect(reader.events('message_complete')[0].metadata.status).toBe('complete');
    const received = reader.events('message_token');
    expect(received.map((token) => token.seq)).toEqual(received.map((_, index) => index + 1));
    expect(received.map((token) => token.token).join('')).toBe(tokens.join(''));
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
