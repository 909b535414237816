import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeOllama } from '../support/fake-ollama.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { connect, waitFor } from '../support/socket-client.ts';

describe('restarts', () => {
  const cleanups: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup() {
    const ollama = await new FakeOllama().start();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-restart-'));
    cleanups.push(
      () => ollama.stop(),
      () => fs.rmSync(dataDir, { recursive: true, force: true }),
    );
    const env = { DATA_DIR: dataDir, OLLAMA_HOST: ollama.url, LLM_PROVIDER: 'ollama' };
    const start = async () => {
      const server = await startServerProcess(env);
      cleanups.push(() => server.kill('SIGKILL'));
      return server;
    };
    return { ollama, start };
  }

  async function postJson(server: ServerProcess, urlPath: string, body: unknown) {
    const response = await fetch(`${server.url}${urlPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.json() as Promise<any>;
  }

  it('SIGKILL mid-answer: after restart the answer is saved as interrupted, never left streaming', async () => {
    const { ollama, start } = await setup();
    const first = await start();
    const project = await postJson(first, '/api/projects', { name: 'Crash' });
    const chat = await postJson(first, '/api/chats', { project_id: project.id });
    ollama.queue({ tokenCount: 2000, tokenDelayMs: 5 });
    const socket = await connect(first.url);
    socket.emit('send_message', { chat_id: chat.id, message: 'long answer' });
    // Past the first periodic save (1 s), so some partial text is on disk.
    await waitFor(socket, 'message_token', (token) => token.seq === 300, 20_000);
    socket.disconnect();
    expect(await first.kill('SIGKILL')).toBeNull();

    const second = await start();
    const messages = await (await fetch(`${second.url}/api/chats/${chat.id}/messages`)).json();
    expect(messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant']);
    expect(messages[1].status).toBe('interrupted');
    expect(messages[1].content).toMatch(/^t1 t2 t3 /);
    expect(second.output()).toContain('marked interrupted');
  });

  it('SIGTERM with answers in flight drains them: saved as interrupted, exit code 0', async () => {
    const { ollama, start } = await setup();
    const server = await start();
    const project = await postJson(server, '/api/projects', { name: 'Drain' });
    const chats = await Promise.all([1, 2, 3].map(() => postJson(server, '/api/chats', { project_id: project.id })));
    ollama.defaultScript = { tokenCount: 5000, tokenDelayMs: 5 };
    const socket = await connect(server.url);
    for (const chat of chats) socket.emit('send_message', { chat_id: chat.id, message: 'go' });
    await Promise.all(chats.map((chat) => waitFor(socket, 'message_token', (token) => token.chat_id === chat.id && token.seq === 5)));
    expect(await server.kill('SIGTERM')).toBe(0);
    socket.disconnect();

    const again = await start();
    for (const chat of chats) {
      const messages = await (await fetch(`${again.url}/api/chats/${chat.id}/messages`)).json();
      expect(messages[1].status).toBe('interrupted');
      expect(messages[1].content.length).toBeGreaterThan(0);
    }
    expect(again.output()).not.toContain('marked interrupted');
  });
});
