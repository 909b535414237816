/**
 * The reference for bench:stream: a bare Socket.IO relay with nothing of the project (no database,
 * no retrieval, no schemas, no rooms): `send_message` → one streaming request to the fake Ollama →
 * a `message_token` per upstream line → `message_complete`. What the server adds is measured against it.
 *   node --import tsx bench/stream/bare-relay.ts <ollama url>     (prints {"url": …} once listening)
 */
import http from 'node:http';
import { Server } from 'socket.io';

const ollama = process.argv[2]!;
/** The model the server answers with by default (the fake Ollama's first chat model). */
const model = process.argv[3] ?? 'llama3.2:latest';
const server = http.createServer();
const io = new Server(server, { path: '/socket.io/', serveClient: false, perMessageDeflate: false });

io.on('connection', (socket) => {
  socket.on('ping', () => socket.emit('pong', { timestamp: Date.now() }));
  socket.on('join_project', (data: { project_id: number }) => {
    void socket.join(`project_${data.project_id}`);
    socket.emit('project_joined', { project_id: data.project_id, status: 'success' });
  });
  socket.on('send_message', async (data: { chat_id: number; message: string }) => {
    const chatId = data.chat_id;
    socket.emit('message_received', { chat_id: chatId, status: 'processing' });
    socket.emit('message_sources', { chat_id: chatId, sources: [] });
    if (!(await relay(chatId, data.message).catch(() => false)))
      socket.emit('error', { message: 'the model did not answer', chat_id: chatId });
  });

  async function relay(chatId: number, message: string): Promise<boolean> {
    const response = await fetch(`${ollama}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: message }] }),
    }).catch(() => undefined);
    if (!response?.ok || !response.body) return false;
    const decoder = new TextDecoder();
    let buffered = '';
    let seq = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let text = '';
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim()) text += (JSON.parse(line) as { message?: { content?: string } }).message?.content ?? '';
        newline = buffered.indexOf('\n');
      }
      // One event per network read, as the server does.
      if (text) socket.emit('message_token', { chat_id: chatId, token: text, seq: ++seq });
    }
    socket.emit('message_complete', { chat_id: chatId, metadata: { model, sources_count: 0, status: 'complete' } });
    return true;
  }
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => {
  io.close();
  process.exit(0);
});
