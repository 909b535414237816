import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOllama } from '../../support/fake-ollama.ts';
import { createTestDatabase, requirePostgres } from '../../support/postgres-database.ts';
import { REDIS_TEST_URL, requireRedis, testRedisPrefix } from '../../support/redis-server.ts';
import { type ServerProcess, startServerProcess } from '../../support/server-process.ts';
import { type ClientSocket, ask, connect, waitFor } from '../../support/socket-client.ts';

const SUITE = 'two servers on PostgreSQL and Redis';
const enabled = (await requirePostgres(SUITE)) && (await requireRedis(SUITE));

const words = (count: number, from = 1) => Array.from({ length: count - from + 1 }, (_, index) => `t${index + from} `).join('');

/** Ten documents of different sizes and types (chunk counts differ per document). */
const FILES = Array.from({ length: 10 }, (_, index) => ({
  filename: `report-${index}.${index % 2 === 0 ? 'md' : 'txt'}`,
  content: Array.from(
    { length: 30 + index * 4 },
    (_, line) => `Section ${line} of report ${index}: quarterly figures, staffing levels, budget ${line * index} and outlook.`,
  ).join(' '),
}));

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Two real server processes (A and B) on their own ports, as two machines would run them: one
 * PostgreSQL database, one Redis (a prefix of this run's own) and one files folder.
 */
describe.runIf(enabled)(SUITE, () => {
  let ollama: FakeOllama;
  let database: { url: string; drop: () => Promise<void> };
  let redis: { prefix: string; drop: () => Promise<void> };
  let dataDir: string;
  let env: Record<string, string>;
  let a: ServerProcess;
  let b: ServerProcess;
  let db: pg.Pool;
  const sockets: ClientSocket[] = [];
  const servers: ServerProcess[] = [];

  const start = async () => {
    const server = await startServerProcess(env);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    ollama = await new FakeOllama().start();
    database = await createTestDatabase();
    redis = testRedisPrefix('multinode');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-multinode-'));
    env = {
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      REDIS_URL: REDIS_TEST_URL,
      REDIS_PREFIX: redis.prefix,
      OLLAMA_HOST: ollama.url,
      LLM_PROVIDER: 'ollama',
      ANSWER_LEASE_SECONDS: '3',
      INGEST_WORKERS: '2',
      EMBED_BATCH_SIZE: '2',
      INGEST_RETRY_BASE_SECONDS: '0.1',
    };
    // One after the other: the first runs the migrations.
    a = await start();
    b = await start();
    db = new pg.Pool({ connectionString: database.url, max: 2 });
  }, 90_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(servers.map((server) => server.kill('SIGTERM')));
    await db?.end();
    await ollama?.stop();
    await redis?.drop();
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function api(server: ServerProcess, method: string, urlPath: string, body?: unknown) {
    const response = await fetch(`${server.url}${urlPath}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function open(server: ServerProcess) {
    const socket = await connect(server.url);
    sockets.push(socket);
    return socket;
  }

  async function joined(server: ServerProcess, projectId: number) {
    const socket = await open(server);
    socket.emit('join_project', { project_id: projectId });
    await waitFor(socket, 'project_joined');
    return socket;
  }

  const messagesOf = async (server: ServerProcess, chatId: number) =>
    (await api(server, 'GET', `/api/chats/${chatId}/messages`)).body as any[];

  async function upload(server: ServerProcess, projectId: number) {
    const form = new FormData();
    for (const file of FILES) form.append('files', new Blob([file.content]), file.filename);
    const response = await fetch(`${server.url}/api/projects/${projectId}/documents/bulk`, { method: 'POST', body: form });
    return response.json() as Promise<any>;
  }

  const documentsOf = async (server: ServerProcess, projectId: number) =>
    (await api(server, 'GET', `/api/projects/${projectId}/documents`)).body as any[];

  it('a project made on A is read on B, and a REST change on A reaches a socket on B', async () => {
    const lobby = await open(b);
    const announced = waitFor(lobby, 'projects_changed', (event) => event.type === 'project_created', 20_000);
    const created = await api(a, 'POST', '/api/projects', { name: 'Shared', description: 'made on A' });
    expect(created.status).toBe(201);
    expect((await announced).project_id).toBe(created.body.id);

    const read = await api(b, 'GET', `/api/projects/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ name: 'Shared', description: 'made on A' });

    const member = await joined(b, created.body.id);
    const updated = waitFor(member, 'project_update', (update) => update.type === 'project_updated', 20_000);
    expect((await api(a, 'PUT', `/api/projects/${created.body.id}`, { description: 'changed on A' })).status).toBe(200);
    expect((await updated).data.project_id).toBe(created.body.id);
    expect((await api(b, 'GET', `/api/projects/${created.body.id}`)).body.description).toBe('changed on A');
  });

  it('an answer streaming on A resumes exactly once on B after the connection drops', async () => {
    const project = (await api(a, 'POST', '/api/projects', { name: 'Resume' })).body;
    const chat = (await api(a, 'POST', '/api/chats', { project_id: project.id })).body;
    ollama.queue({ tokenCount: 300, tokenDelayMs: 10 });

    const sender = await open(a);
    let senderText = '';
    sender.on('message_token', (token) => {
      if (token.seq <= 40) senderText += token.token;
    });
    sender.emit('send_message', { chat_id: chat.id, message: 'long' });
    await waitFor(sender, 'message_token', (token) => token.seq === 40, 20_000);
    sender.disconnect();

    const resumer = await open(b);
    const seen: number[] = [];
    let text = '';
    let sources = 0;
    resumer.on('message_sources', (event) => {
      if (event.chat_id === chat.id) sources += 1;
    });
    resumer.on('message_token', (token) => {
      if (token.chat_id !== chat.id) return;
      seen.push(token.seq);
      text += token.token;
    });
    const completed = waitFor(resumer, 'message_complete', (done) => done.chat_id === chat.id, 30_000);
    resumer.emit('resume_message', { chat_id: chat.id, after_seq: 40 });
    const done = await completed;
    expect(done.metadata.status).toBe('complete');
    // Tokens of one network read are merged into one event, so the last seq is the event count.
    expect(seen).toEqual(Array.from({ length: done.metadata.tokens - 40 }, (_, index) => index + 41));
    expect(senderText + text).toBe(words(300));
    expect(sources).toBe(1);
    const saved = await messagesOf(b, chat.id);
    expect(saved.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(saved[1].content).toBe(words(300));
  });

  it('stop_generation sent to B stops the answer on A; a second send_message on B is refused while A answers', async () => {
    const project = (await api(a, 'POST', '/api/projects', { name: 'Stop' })).body;
    const chat = (await api(a, 'POST', '/api/chats', { project_id: project.id })).body;
    ollama.queue({ tokenCount: 2000, tokenDelayMs: 10 });
    const owner = await open(a);
    const other = await open(b);
    owner.emit('send_message', { chat_id: chat.id, message: 'long' });
    await waitFor(owner, 'message_token', (token) => token.seq === 20, 20_000);

    // One running answer per chat across processes: the same `busy` error as on one process.
    const refused = waitFor(other, 'error', () => true, 20_000);
    other.emit('send_message', { chat_id: chat.id, message: 'again' });
    expect((await refused).code).toBe('busy');

    const stopped = waitFor(owner, 'message_complete', (done) => done.chat_id === chat.id, 20_000);
    other.emit('stop_generation', { chat_id: chat.id });
    const done = await stopped;
    expect(done.metadata.status).toBe('stopped');
    expect(done.metadata.tokens).toBeLessThan(2000);
    const saved = await messagesOf(b, chat.id);
    expect(saved.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(saved[1].status).toBe('stopped');

    // The chat is free again, for either process.
    ollama.queue({ tokenCount: 5, tokenDelayMs: 1 });
    const next = await ask(other, { chat_id: chat.id, message: 'short' }, 20_000);
    expect(next.complete?.metadata.status).toBe('complete');
  });

  it('restarting A does not interrupt B’s answers, and A’s restart cleans only what is its own', async () => {
    const project = (await api(b, 'POST', '/api/projects', { name: 'Restart' })).body;
    const chat = (await api(b, 'POST', '/api/chats', { project_id: project.id })).body;
    ollama.queue({ tokenCount: 400, tokenDelayMs: 15 });
    const listener = await open(b);
    const answer = ask(listener, { chat_id: chat.id, message: 'long' }, 60_000);
    await waitFor(listener, 'message_token', (token) => token.chat_id === chat.id && token.seq === 10, 20_000);

    // An upload B is still receiving: its temp file must survive A's start-up.
    const uploadsDir = path.join(dataDir, 'tmp', 'uploads');
    const before = new Set(listTree(uploadsDir));
    const slowBody = slowUpload('halfway.txt', 'a document arriving slowly '.repeat(200));
    const uploading = fetch(`${b.url}/api/projects/${project.id}/documents`, {
      method: 'POST',
      headers: { 'content-type': slowBody.contentType },
      body: slowBody.stream,
      duplex: 'half',
    } as RequestInit);
    const inFlight = await until(
      async () => listTree(uploadsDir).filter((file) => !before.has(file)),
      (files) => files.length > 0,
      10_000,
      'the temp file of the upload in flight',
    );

    expect(await a.kill('SIGTERM')).toBe(0);
    a = await start();
    expect(a.output()).not.toContain('marked interrupted');
    for (const file of inFlight) expect(fs.existsSync(path.join(uploadsDir, file)), file).toBe(true);

    slowBody.finish();
    const uploaded = await uploading;
    expect(uploaded.status).toBe(201);
    const result = await answer.catch((error: Error) => {
      throw new Error(`${error.message}\nB:\n${b.output().slice(-3000)}\nA:\n${a.output().slice(-3000)}`);
    });
    expect(result.complete?.metadata.status).toBe('complete');
    expect(result.text).toBe(words(400));
    expect((await messagesOf(a, chat.id))[1].status).toBe('complete');
  });

  it('SIGKILL of A in the middle of ingesting 10 documents: B finishes them, no chunk indexed twice', async () => {
    // The reference chunk counts: the same files ingested with nobody killed.
    const reference = (await api(b, 'POST', '/api/projects', { name: 'Reference' })).body;
    expect((await upload(b, reference.id)).successful).toBe(FILES.length);
    const expected = new Map(
      (
        await until(
          () => documentsOf(b, reference.id),
          (documents) => documents.every((d) => d.status === 'completed'),
          60_000,
          'reference',
        )
      ).map((document) => [document.filename, document.chunk_count]),
    );

    ollama.embedDelayMs = 300;
    const project = (await api(a, 'POST', '/api/projects', { name: 'Crash' })).body;
    expect((await upload(a, project.id)).successful).toBe(FILES.length);
    // Both processes take jobs; kill A while it holds some.
    const held = await until(
      async () =>
        (
          await db.query<{ locked_by: string }>(`SELECT locked_by FROM ingest_jobs WHERE status = 'running' AND project_id = $1`, [
            project.id,
          ])
        ).rows.filter((row) => row.locked_by.includes(`:${a.child.pid}:`)),
      (rows) => rows.length > 0,
      30_000,
      'a job running on A',
    );
    expect(held.length).toBeGreaterThan(0);
    // And an answer running on A: once A's lease expires, B ends it as interrupted (never left streaming).
    const chat = (await api(a, 'POST', '/api/chats', { project_id: project.id })).body;
    ollama.queue({ tokenCount: 5000, tokenDelayMs: 10 });
    const asker = await open(a);
    asker.emit('send_message', { chat_id: chat.id, message: 'long' });
    await waitFor(asker, 'message_token', (token) => token.chat_id === chat.id && token.seq === 10, 20_000);
    expect(await a.kill('SIGKILL')).toBeNull();
    ollama.embedDelayMs = 0;
    const orphan = await until(
      () => messagesOf(b, chat.id),
      (messages) => messages[1]?.status !== 'streaming',
      30_000,
      'the dead process’s answer to end',
    );
    expect(orphan[1].status).toBe('interrupted');

    const final = await until(
      () => documentsOf(b, project.id),
      (documents) => documents.length === FILES.length && documents.every((d) => d.status === 'completed' || d.status === 'failed'),
      90_000,
      'every document to finish on B',
    );
    for (const document of final) {
      expect(document.status, `${document.filename}: ${document.error_message}`).toBe('completed');
      expect(document.chunk_count, document.filename).toBe(expected.get(document.filename));
    }
    const perDocument = await db.query<{ total: number; distinct_indexes: number; postings: number; vectors: number }>(
      `SELECT c.document_id, COUNT(*)::int AS total, COUNT(DISTINCT c.chunk_index)::int AS distinct_indexes,
              COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM chunk_postings p WHERE p.chunk_id = c.id))::int AS postings
         FROM chunks c WHERE c.project_id = $1 GROUP BY c.document_id`,
      [project.id],
    );
    expect(perDocument.rows).toHaveLength(FILES.length);
    for (const row of perDocument.rows) {
      expect(row.total).toBe(row.distinct_indexes);
      expect(row.postings).toBe(row.total);
    }
    const total = perDocument.rows.reduce((sum, row) => sum + row.total, 0);
    expect(total).toBe([...expected.values()].reduce((sum, count) => sum + count, 0));
    expect((await db.query(`SELECT 1 FROM ingest_jobs WHERE project_id = $1 AND kind = 'parse'`, [project.id])).rowCount).toBe(0);
    a = await start();
  });
});

function listTree(directory: string): string[] {
  if (!fs.existsSync(directory)) return [];
  return (fs.readdirSync(directory, { recursive: true }) as string[]).filter((entry) => fs.statSync(path.join(directory, entry)).isFile());
}

/** A multipart body whose last part is held back until `finish()`: an upload still arriving. */
function slowUpload(filename: string, content: string) {
  const boundary = `----daa${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n`;
  const half = Math.floor(content.length / 2);
  let finish!: () => void;
  const released = new Promise<void>((resolve) => (finish = resolve));
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const encoder = new TextEncoder();
      controller.enqueue(encoder.encode(head + content.slice(0, half)));
      await released;
      controller.enqueue(encoder.encode(`${content.slice(half)}\r\n--${boundary}--\r\n`));
      controller.close();
    },
  });
  return { stream, contentType: `multipart/form-data; boundary=${boundary}`, finish };
}
