import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

/** Connects, resolving with the refusal's message instead of throwing. */
async function attempt(url: string, auth: Record<string, unknown> = {}): Promise<{ socket?: ClientSocket; refused?: string }> {
  const socket: ClientSocket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => {
      socket.disconnect();
      resolve({ refused: error.message });
    });
  });
}

describe('per-client limits', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await server?.close();
  });

  async function chats(count: number, projectName = 'Limits'): Promise<number[]> {
    const { projectId, chatId } = await createProjectAndChat(server, projectName);
    const more = await Promise.all(
      Array.from({ length: count - 1 }, async () => (await server.api('POST', '/api/chats', { project_id: projectId })).body.id as number),
    );
    return [chatId, ...more];
  }

  it('caps running answers per connection, loopback included; a finished answer frees its slot', async () => {
    server = await startTestServer({ SOCKET_MAX_ANSWERS_PER_CONNECTION: 2 });
    const [first, second, third] = await chats(3);
    server.ollama.defaultScript = { tokenCount: 200, tokenDelayMs: 5 };
    const socket = await connect(server.url);
    sockets.push(socket);
    const firstDone = waitFor(socket, 'message_complete', (data) => data.chat_id === first, 20_000);
    socket.emit('send_message', { chat_id: first!, message: 'one' });
    socket.emit('send_message', { chat_id: second!, message: 'two' });
    const refused = waitFor(socket, 'error', (error) => error.chat_id === third);
    socket.emit('send_message', { chat_id: third!, message: 'three' });
    expect(await refused).toMatchObject({
      code: 'busy',
      message: expect.stringMatching(/Too many answers at once on this connection \(at most 2\)/),
    });
    await firstDone;
    server.ollama.defaultScript = { tokenCount: 3 };
    const thirdDone = waitFor(socket, 'message_complete', (data) => data.chat_id === third, 20_000);
    socket.emit('send_message', { chat_id: third!, message: 'three again' });
    expect((await thirdDone).metadata.status).toBe('complete');
  });

  it('caps running answers per address across its connections (when loopback is counted)', async () => {
    server = await startTestServer({ SOCKET_LIMIT_LOOPBACK: 'true', SOCKET_MAX_ANSWERS_PER_ADDRESS: 2 });
    const ids = await chats(3);
    server.ollama.defaultScript = { tokenCount: 200, tokenDelayMs: 5 };
    const clients = await Promise.all(ids.map(() => connect(server.url)));
    sockets.push(...clients);
    const started = Promise.all(
      clients.slice(0, 2).map((client, index) => waitFor(client, 'message_received', (data) => data.chat_id === ids[index])),
    );
    clients[0]!.emit('send_message', { chat_id: ids[0]!, message: 'one' });
    clients[1]!.emit('send_message', { chat_id: ids[1]!, message: 'two' });
    await started;
    const refused = waitFor(clients[2]!, 'error');
    clients[2]!.emit('send_message', { chat_id: ids[2]!, message: 'three' });
    expect((await refused).message).toMatch(/Too many answers at once from this address \(at most 2\)/);
  });

  it('counts answers asked over HTTP (SSE and JSON) per address with the socket ones', async () => {
    server = await startTestServer({ SOCKET_LIMIT_LOOPBACK: 'true', SOCKET_MAX_ANSWERS_PER_ADDRESS: 2 });
    const ids = await chats(4);
    server.ollama.defaultScript = { tokenCount: 200, tokenDelayMs: 5 };
    // 1. One answer streamed over SSE (headers in: it is running) and one over a socket fill the cap.
    const streamed = await fetch(`${server.url}/api/chats/${ids[0]}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'one', stream: true }),
    });
    expect(streamed.status).toBe(200);
    const socket = await connect(server.url);
    sockets.push(socket);
    const received = waitFor(socket, 'message_received', (data) => data.chat_id === ids[1]);
    socket.emit('send_message', { chat_id: ids[1]!, message: 'two' });
    await received;
    // 2. A third over JSON is refused with the address's sentence, and so is one over the socket.
    const json = await server.api('POST', `/api/chats/${ids[2]}/messages`, { message: 'three' });
    expect(json.status).toBe(409);
    expect(json.body.detail).toMatch(/Too many answers at once from this address \(at most 2\)/);
    const refused = waitFor(socket, 'error', (error) => error.chat_id === ids[3]);
    socket.emit('send_message', { chat_id: ids[3]!, message: 'four' });
    expect((await refused).message).toMatch(/Too many answers at once from this address \(at most 2\)/);
    // 3. When the streamed answer ends, its slot is free for an HTTP answer again.
    await streamed.text();
    server.ollama.defaultScript = { tokenCount: 3 };
    await server.generations.get(ids[0]!)?.whenFinished();
    const again = await server.api('POST', `/api/chats/${ids[2]}/messages`, { message: 'three again' });
    expect(again.status).toBe(200);
  });

  it('caps connections per address when loopback is counted, and leaves loopback alone by default', async () => {
    server = await startTestServer({ SOCKET_LIMIT_LOOPBACK: 'true', SOCKET_MAX_CONNECTIONS_PER_ADDRESS: 3 });
    for (let index = 0; index < 3; index += 1) {
      const { socket } = await attempt(server.url);
      expect(socket).toBeDefined();
      sockets.push(socket!);
    }
    expect((await attempt(server.url)).refused).toBe('Too many connections from this address (at most 3); close some first');
    // A closed connection frees its place.
    const leaving = sockets.pop()!;
    const gone = new Promise((resolve) => server.gateway.io.sockets.sockets.get(leaving.id!)!.once('disconnect', resolve));
    leaving.disconnect();
    await gone;
    const again = await attempt(server.url);
    expect(again.socket).toBeDefined();
    sockets.push(again.socket!);
    for (const socket of sockets.splice(0)) socket.disconnect();
    await server.close();

    // 2. Default: loopback clients are not counted per address (a local benchmark opens 100+).
    server = await startTestServer({ SOCKET_MAX_CONNECTIONS_PER_ADDRESS: 3 });
    for (let index = 0; index < 8; index += 1) sockets.push(await connect(server.url));
    expect(server.gateway.connections.size).toBe(8);
  });

  it('refuses a handshake whose auth payload is too large (9 KB)', async () => {
    server = await startTestServer();
    expect((await attempt(server.url, { token: 'x'.repeat(9 * 1024) })).refused).toMatch(
      /^Handshake auth payload refused: larger than 4 KiB$/,
    );
    const fine = await attempt(server.url, { token: 'x'.repeat(100) });
    expect(fine.socket).toBeDefined();
    sockets.push(fine.socket!);
  });
});

describe('socket.io-client 2.x (Engine.IO protocol 3)', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('gets HTTP 400 with a sentence naming the fix, over polling and WebSocket', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/socket.io/?EIO=3&transport=polling&t=N8hyd6w`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string };
    expect(body.message).toMatch(/socket\.io-client 2\.x is not supported; use socket\.io-client v3 or v4/);

    // The upgrade request of a 2.x client is refused too (its TCP socket closed), not served.
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/socket.io/?EIO=3&transport=websocket`);
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');

    // Protocol 4 clients are untouched.
    const current = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    expect(current.status).toBe(200);
  });
});
