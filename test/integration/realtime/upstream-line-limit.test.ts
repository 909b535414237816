import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_UPSTREAM_LINE_BYTES } from '../../../src/server/llm/http/bounded-line-splitter.ts';
import { connect, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

/** What the server would send: 64× the line limit, and never a newline. */
const PLANNED_BYTES = 64 * MAX_UPSTREAM_LINE_BYTES;

/**
 * A model server whose `/api/chat` streams one endless line, honouring back-pressure, and counts the
 * bytes the client actually took. Before the line bound, all of it was read and buffered (923 MB
 * were measured); now the client hangs up soon after the limit.
 */
async function startEndlessLineServer() {
  const state = { bytesWritten: 0, closed: Promise.resolve() };
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const piece = Buffer.alloc(64 * 1024, 'a');
    state.closed = new Promise((resolve) => response.on('close', resolve));
    const write = () => {
      while (state.bytesWritten < PLANNED_BYTES && !response.destroyed) {
        state.bytesWritten += piece.length;
        if (!response.write(piece)) return void response.once('drain', write);
      }
      response.end();
    };
    write();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe('an upstream line without a newline', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let upstream: Awaited<ReturnType<typeof startEndlessLineServer>>;
  afterEach(async () => {
    socket?.disconnect();
    await server?.close();
    upstream?.close();
  });

  it('fails the answer with a clear error once the line passes the limit, and stops reading', async () => {
    // 1. The chat model is the endless-line server.
    upstream = await startEndlessLineServer();
    server = await startTestServer({ OLLAMA_HOST: upstream.url });
    socket = await connect(server.url);
    const { chatId } = await createProjectAndChat(server);

    // 2. Ask; the answer fails with an `error` event naming the limit.
    const error = waitFor(socket, 'error', (data) => data.chat_id === chatId);
    socket.emit('send_message', { chat_id: chatId, message: 'question' });
    expect(await error).toMatchObject({
      code: 'llm_bad_response',
      message: 'Ollama sent more than 1 MiB without a line break; the stream was stopped',
    });

    // 3. The client hung up: what it took is the limit plus socket buffers, not the whole line.
    await upstream.state.closed;
    expect(upstream.state.bytesWritten).toBeLessThan(PLANNED_BYTES / 4);
    const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body;
    expect(messages[1]).toMatchObject({ status: 'failed', content: '' });
  });
});
