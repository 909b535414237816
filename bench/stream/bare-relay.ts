/**
 * The reference for bench:stream: a bare Socket.IO relay with nothing of the project (no database,
 * no retrieval, no schemas, no rooms): `send_message` → one streaming request to the fake Ollama →
 * a `message_token` per upstream line → `message_complete`. What the server adds is measured against it.
 *   node --import tsx bench/stream/bare-relay.ts <ollama url>     (prints {"url": …} once listening)
 */
import http from 'node:http';
import { Server } from 'socket.io';

const ollama = process.argv[2]!;
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
    const response = await fetch(`${ollama}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: data.message }] }),
    });
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
    socket.emit('message_complete', { chat_id: chatId, metadata: { model: 'bench', sources_count: 0 } });
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => {
  io.close();
  process.exit(0);
});
