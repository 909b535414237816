import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/server/config.ts';
import { openStore } from '../../../src/server/store/open-store.ts';
import { FakeOllama } from '../../support/fake-ollama.ts';
import { type ServerProcess, startServerProcess } from '../../support/server-process.ts';
import { type ClientSocket, ask, connect, waitFor } from '../../support/socket-client.ts';

const words = (count: number, from = 1) => Array.from({ length: count - from + 1 }, (_, index) => `t${index + from} `).join('');

/**
 * `--workers 2` on SQLite, as real processes: the primary owns the port, sticky sessions route by sid.
 * Sticky's round-robin picks a worker only for a connection without a sid (a handshake), so two
 * handshakes made one after the other, with nothing in between, land on the two different workers.
 */
describe('--workers 2 on one port (SQLite)', () => {
  let ollama: FakeOllama;
  let server: ServerProcess;
  let dataDir: string;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    ollama = await new FakeOllama().start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-workers-'));
    server = await startServerProcess(
      {
        DATA_DIR: dataDir,
        OLLAMA_HOST: ollama.url,
        LLM_PROVIDER: 'ollama',
        WORKERS: '2',
        SOCKET_MAX_ANSWERS_PER_ADDRESS: '100',
        SOCKET_MAX_CONNECTIONS_PER_ADDRESS: '100',
      },
      // A primary and two workers, each loading the app, on a shared 2-core machine.
      { startTimeoutMs: 90_000 },
    );
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.kill('SIGTERM');
    await ollama?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function postJson(urlPath: string, body: unknown, method = 'POST') {
    const response = await fetch(`${server.url}${urlPath}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.json() as Promise<any>;
  }

  async function open(transports: Array<'websocket' | 'polling'> = ['websocket']) {
    let timer: NodeJS.Timeout | undefined;
    const socket = await Promise.race([
      connect(server.url, { transports }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no connection within 30 s:\n${server.output().slice(-2000)}`)), 30_000);
      }),
    ]).finally(() => clearTimeout(timer));
    sockets.push(socket);
    return socket;
  }

  const messagesOf = async (chatId: number) => (await fetch(`${server.url}/api/chats/${chatId}/messages`)).json() as Promise<any[]>;

  it('24 clients, half long-polling only, stream whole answers, and a room broadcast reaches all of them', async () => {
    const project = await postJson('/api/projects', { name: 'Team' });
    const chats = await Promise.all(Array.from({ length: 24 }, () => postJson('/api/chats', { project_id: project.id })));
    ollama.defaultScript = { tokenCount: 60, tokenDelayMs: 2 };
    const clients = await Promise.all(chats.map((_, index) => open(index % 2 === 0 ? ['polling'] : ['websocket'])));
    expect(clients.filter((socket) => socket.io.engine.transport.name === 'polling')).toHaveLength(12);
    await Promise.all(
      clients.map(async (socket) => {
        socket.emit('join_project', { project_id: project.id });
        await waitFor(socket, 'project_joined');
      }),
    );

    // 1. Every client gets its whole answer, exactly once.
    const answers = await Promise.all(clients.map((socket, index) => ask(socket, { chat_id: chats[index].id, message: 'hello' }, 60_000)));
    for (const answer of answers) {
      expect(answer.complete?.metadata.status).toBe('complete');
      expect(answer.text).toBe(words(60));
    }

    // 2. A REST change handled by one worker reaches the room on both.
    const heard = clients.map((socket) => waitFor(socket, 'project_update', (update) => update.type === 'project_updated', 20_000));
    const updated = await fetch(`${server.url}/api/projects/${project.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'now shared' }),
    });
    expect(updated.status).toBe(200);
    await Promise.all(heard);
    for (const socket of clients) socket.disconnect();
  }, 120_000);

  it("a chat's own events cross workers to the sockets showing it; the project room hears only the summary", async () => {
    const project = await postJson('/api/projects', { name: 'Fan-out' });
    const chat = await postJson('/api/chats', { project_id: project.id });
    ollama.defaultScript = { tokenCount: 20 };
    // Back to back: the viewer and the sender land on different workers.
    const viewer = await open();
    const sender = await open();
    const listOnly = await open();
    viewer.emit('join_chat', { chat_id: chat.id });
    await waitFor(viewer, 'chat_joined', () => true, 20_000);
    listOnly.emit('join_project', { project_id: project.id });
    await waitFor(listOnly, 'project_joined', () => true, 20_000);
    const heardInList: string[] = [];
    listOnly.on('project_update', (update) => heardInList.push(update.type));
    const added = waitFor(
      viewer,
      'project_update',
      (update) => update.type === 'message_added' && update.data.role === 'assistant',
      20_000,
    );
    const summary = waitFor(
      listOnly,
      'project_update',
      (update) => update.type === 'chats_updated' && (update.data.chats as Array<{ message_count: number }>)[0]?.message_count === 2,
      20_000,
    );
    sender.emit('send_message', { chat_id: chat.id, message: 'across workers' });
    expect((await added).data).toMatchObject({ chat_id: chat.id });
    await summary;
    expect(heardInList.filter((type) => type !== 'chats_updated')).toEqual([]);
  });

  it('resume and stop from a new connection on the other worker', async () => {
    const project = await postJson('/api/projects', { name: 'Resume' });
    const resumeChat = await postJson('/api/chats', { project_id: project.id });
    const stopChat = await postJson('/api/chats', { project_id: project.id });
    ollama.defaultScript = { tokenCount: 400, tokenDelayMs: 10 };

    // 1. Resume: the sender goes away after seq 40; the next handshake lands on the other worker.
    const sender = await open();
    const resumer = await open();
    let senderText = '';
    sender.on('message_token', (token) => {
      if (token.seq <= 40) senderText += token.token;
    });
    sender.emit('send_message', { chat_id: resumeChat.id, message: 'long' });
    await waitFor(sender, 'message_token', (token) => token.seq === 40, 20_000);
    sender.disconnect();
    const seen: number[] = [];
    let text = '';
    resumer.on('message_token', (token) => {
      if (token.chat_id !== resumeChat.id) return;
      seen.push(token.seq);
      text += token.token;
    });
    const completed = waitFor(resumer, 'message_complete', (done) => done.chat_id === resumeChat.id, 30_000);
    resumer.emit('resume_message', { chat_id: resumeChat.id, after_seq: 40 });
    expect((await completed).metadata.status).toBe('complete');
    // Tokens of one network read are merged into one event, so the last seq is the event count.
    const last = (await completed).metadata.tokens;
    expect(seen).toEqual(Array.from({ length: last - 40 }, (_, index) => index + 41));
    expect(senderText + text).toBe(words(400));

    // 2. Stop, sent by a socket of the other worker, stops the answer where it runs.
    const owner = await open();
    const stopper = await open();
    owner.emit('send_message', { chat_id: stopChat.id, message: 'long' });
    await waitFor(owner, 'message_token', (token) => token.seq === 20, 20_000);
    const stopped = waitFor(owner, 'message_complete', (done) => done.chat_id === stopChat.id, 20_000);
    stopper.emit('stop_generation', { chat_id: stopChat.id });
    expect((await stopped).metadata.status).toBe('stopped');
    expect((await messagesOf(stopChat.id))[1].status).toBe('stopped');

    // 3. One answer per chat across workers: the other worker refuses a second one with `busy`.
    const busyChat = await postJson('/api/chats', { project_id: project.id });
    const first = await open();
    const second = await open();
    first.emit('send_message', { chat_id: busyChat.id, message: 'long' });
    await waitFor(first, 'message_token', (token) => token.chat_id === busyChat.id, 20_000);
    const refused = waitFor(second, 'error', () => true, 20_000);
    second.emit('send_message', { chat_id: busyChat.id, message: 'again' });
    expect((await refused).code).toBe('busy');
    first.emit('stop_generation', { chat_id: busyChat.id });
    await waitFor(first, 'message_complete', (done) => done.chat_id === busyChat.id, 20_000);
  }, 120_000);

  // This test once hung on its first connect (the primary read the client's first WebSocket frame,
  // see cluster/sticky-primary.ts) and later on a request routed to the worker still starting.
  it('a killed worker is restarted; its answer is saved interrupted and the other worker’s completes', async () => {
    const project = await postJson('/api/projects', { name: 'Crash' });
    const chats = [await postJson('/api/chats', { project_id: project.id }), await postJson('/api/chats', { project_id: project.id })];
    ollama.defaultScript = { tokenCount: 600, tokenDelayMs: 10 };
    const readyPids = () =>
      [...server.output().matchAll(/"slot":(\d),"pid":(\d+),"msg":"worker ready"/g)].map((match) => ({
        slot: Number(match[1]),
        pid: Number(match[2]),
      }));
    const victim = readyPids().find((worker) => worker.slot === 2)!;
    const clients = [await open(), await open()];
    clients.forEach((socket, index) => socket.emit('send_message', { chat_id: chats[index].id, message: 'long' }));
    await Promise.all(clients.map((socket) => waitFor(socket, 'message_token', (token) => token.seq === 150, 20_000)));

    const gone = clients.map((socket) => new Promise<boolean>((resolve) => socket.once('disconnect', () => resolve(true))));
    const survivorDone = clients.map((socket, index) =>
      waitFor(socket, 'message_complete', (done) => done.chat_id === chats[index].id, 30_000).catch(() => undefined),
    );
    process.kill(victim.pid, 'SIGKILL');
    const lost = await Promise.race([
      ...gone.map((promise, index) => promise.then(() => index)),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no client lost its worker:\n${server.output().slice(-2000)}`)), 20_000),
      ),
    ]);
    const kept = 1 - lost;
    expect((await survivorDone[kept])?.metadata.status).toBe('complete');

    // The survivor swept the dead worker's answer when the primary reported the death.
    const lostMessages = await messagesOf(chats[lost].id);
    expect(lostMessages[1].status).toBe('interrupted');
    expect(lostMessages[1].content).toMatch(/^t1 t2 t3 /);
    expect((await messagesOf(chats[kept].id))[1].status).toBe('complete');

    // The primary started a new worker in slot 2, which serves again.
    expect(readyPids().filter((worker) => worker.slot === 2).length).toBeGreaterThanOrEqual(1);
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (readyPids().filter((worker) => worker.slot === 2).length < 2) return;
        clearTimeout(timer);
        server.child.stdout!.off('data', check);
        resolve();
      };
      const timer = setTimeout(() => reject(new Error(`no new worker in slot 2:\n${server.output().slice(-3000)}`)), 20_000);
      server.child.stdout!.on('data', check);
      check();
    });
    ollama.defaultScript = { tokenCount: 5 };
    const again = [await open(), await open()];
    const chatsAgain = await Promise.all(again.map(() => postJson('/api/chats', { project_id: project.id })));
    for (const [index, socket] of again.entries()) {
      expect((await ask(socket, { chat_id: chatsAgain[index].id, message: 'hi' }, 20_000)).text).toBe(words(5));
    }
  }, 120_000);

  it('SIGTERM drains every worker: the primary exits 0 and no answer is left streaming', async () => {
    const project = await postJson('/api/projects', { name: 'Drain' });
    const chats = [await postJson('/api/chats', { project_id: project.id }), await postJson('/api/chats', { project_id: project.id })];
    ollama.defaultScript = { tokenCount: 5_000, tokenDelayMs: 10 };
    // Two handshakes in a row: one socket on each worker.
    const clients = [await open(), await open()];
    clients.forEach((socket, index) => socket.emit('send_message', { chat_id: chats[index].id, message: 'long' }));
    await Promise.all(
      clients.map((socket, index) => waitFor(socket, 'message_token', (token) => token.chat_id === chats[index].id, 20_000)),
    );
    const ended = clients.map((socket, index) => waitFor(socket, 'message_complete', (done) => done.chat_id === chats[index].id, 20_000));

    // 1. Each worker stops its answer and says so before it exits; the primary exits cleanly after them.
    const exitCode = server.kill('SIGTERM');
    for (const done of await Promise.all(ended)) expect(done.metadata.status).toBe('interrupted');
    expect(await exitCode).toBe(0);
    expect(server.output()).toMatch(/shutting down: draining every worker/);

    // 2. The saved answers, read from the data dir the cluster left behind.
    const store = await openStore(loadConfig({ DATA_DIR: dataDir }));
    try {
      for (const chat of chats) {
        const [, answer] = await store.messages.listByChat(chat.id);
        expect(answer?.status).toBe('interrupted');
        // The partial answer as it stood (SIGTERM came right after the first token).
        expect(answer?.content).toMatch(/^t1 /);
      }
      expect(await store.messages.listStreaming()).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
