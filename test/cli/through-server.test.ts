import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataDirLock } from '../../src/server/data-dir-lock.ts';
import { runDaa, spawnDaa } from '../support/daa-cli.ts';
import { FakeOllama, FIXTURE_TOKENS } from '../support/fake-ollama.ts';
import { writeHandbookFolder } from '../support/handbook-folder.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { type ClientSocket, connect, recordEvents } from '../support/socket-client.ts';

/**
 * `daa` next to a running server on the same data dir: it finds the server through the lock file and
 * works through its REST and Socket.IO API, so a client in the project room (the web app) sees it live.
 */
describe('daa with a server running on the data dir', () => {
  let root: string;
  let dataDir: string;
  let ollama: FakeOllama;
  let server: ServerProcess;
  let socket: ClientSocket;
  let roomEvents: Array<[string, any]>;
  let projectId: number;
  /** The CLI gets the data dir only: no URL, no model server. */
  let cliEnv: Record<string, string>;

  const api = async (urlPath: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${server.url}${urlPath}`, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return response.json() as Promise<any>;
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-cli-remote-'));
    dataDir = path.join(root, 'data');
    ollama = await new FakeOllama().start();
    server = await startServerProcess({
      DATA_DIR: dataDir,
      OLLAMA_HOST: ollama.url,
      LLM_PROVIDER: 'ollama',
      DEFAULT_TOP_K: '10',
      INGEST_RETRY_BASE_SECONDS: '0',
    });
    cliEnv = { DATA_DIR: dataDir, LLM_PROVIDER: 'extractive', EMBEDDING_PROVIDER: 'none' };
    projectId = (await api('/api/projects', { method: 'POST', body: { name: 'Shared' } })).id;
    // A client like the web app, in the project's room.
    socket = await connect(server.url);
    roomEvents = recordEvents(socket);
    socket.emit('join_project', { project_id: projectId });
    await new Promise<void>((resolve) => socket.once('project_joined', () => resolve()));
  }, 60_000);

  afterAll(async () => {
    socket?.disconnect();
    await server?.kill('SIGKILL');
    await ollama.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('the server leaves its URL in the lock file of its data dir', () => {
    expect(readDataDirLock(dataDir)).toMatchObject({ pid: server.child.pid, url: server.url, owner: 'server' });
  });

  it('ingest uploads through the server: the room sees document_status for every upload, up to completed or failed', async () => {
    const handbook = await writeHandbookFolder(root);
    const result = await runDaa(['ingest', 'handbook', '--project', 'Shared'], { env: cliEnv, cwd: root });
    expect(result.stdout).toContain(`Ingesting 6 files into project 'Shared' (id ${projectId}) through the server at ${server.url}\n`);
    expect(result.stdout).toMatch(new RegExp(`^failed +${handbook.failed}: This PDF has no text layer`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^duplicate +${handbook.duplicate}: `, 'm'));
    expect(result.stdout.trim().split('\n').at(-1)).toBe('6 documents: 4 completed, 1 duplicate, 1 failed; 1 file skipped');
    expect(result.code).toBe(1);

    const documents: Array<{ id: number; filename: string; status: string }> = await api(`/api/projects/${projectId}/documents`);
    expect(documents.map((document) => document.filename).sort()).toEqual([
      'guide.pdf',
      'holidays.xlsx',
      'overview.md',
      'scanned.pdf',
      'vacation.md',
    ]);
    const finalStatus = (documentId: number) =>
      roomEvents
        .filter(([name, data]) => name === 'document_status' && data.document_id === documentId)
        .map(([, data]) => data.status)
        .at(-1);
    for (const document of documents) expect(finalStatus(document.id)).toBe(document.filename === 'scanned.pdf' ? 'failed' : 'completed');
  });

  it("ask --json answers through the server (its model, not the CLI's extractive fallback); the room sees the new chat", async () => {
    const result = await runDaa(['ask', 'How many vacation days?', '--project', 'Shared', '--json'], { env: cliEnv, cwd: root });
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ answer: FIXTURE_TOKENS.join(''), model: 'llama3.2', status: 'complete' });
    expect(output.sources).toContainEqual(expect.objectContaining({ filename: 'vacation.md', heading: 'Vacation' }));
    expect(roomEvents).toContainEqual([
      'project_update',
      expect.objectContaining({ type: 'chat_created', data: expect.objectContaining({ chat_id: output.chat_id }) }),
    ]);
    const messages = await api(`/api/chats/${output.chat_id}/messages`);
    expect(messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant']);
    expect(messages[1]).toMatchObject({ id: output.message_id, content: output.answer });
  });

  it('Ctrl-C during ask sends stop_generation: the server aborts the model request and saves the partial answer as stopped', async () => {
    ollama.queue({ tokenCount: 5000, tokenDelayMs: 5 });
    const run = spawnDaa(['ask', 'Tell me everything', '--project', 'Shared'], { env: cliEnv, cwd: root });
    await run.waitForStdout(/t1 t2 t3 /);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    const request = ollama.lastChat();
    await request.settled;
    expect(request.hungUp).toBe(true);
    const chatId = Number(/saved in chat (\d+)/.exec(run.stderr())![1]);
    const messages = await api(`/api/chats/${chatId}/messages`);
    expect(messages[1].status).toBe('stopped');
    expect(messages[1].content).toMatch(/^t1 t2 t3 /);
  });

  it('export goes through the server; import without a server (local domain) and through it gives the same documents and chats', async () => {
    // 1. Export through the running server (found through the lock file).
    const archive = path.join(root, 'shared.daa.zip');
    const exported = await runDaa(['export', '--project', 'Shared', '--output', archive], { env: cliEnv, cwd: root });
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^Exported project 'Shared' to .*shared\.daa\.zip \(\d+ bytes\)$/m);

    // 2. Import into another data dir, where no server runs: the CLI opens it through the domain core.
    const otherEnv = { ...cliEnv, DATA_DIR: path.join(root, 'other-data') };
    const imported = await runDaa(['import', archive, '--name', 'Copy'], { env: otherEnv, cwd: root });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^Imported .* as project 'Copy' \(id \d+\)$/m);
    // The copy answers from the same passages (extractive there: no model server), and exports again locally.
    const asked = await runDaa(['ask', 'How many vacation days?', '--project', 'Copy', '--json'], { env: otherEnv, cwd: root });
    expect(asked.code).toBe(0);
    expect(JSON.parse(asked.stdout).sources).toContainEqual(expect.objectContaining({ filename: 'vacation.md', heading: 'Vacation' }));
    const again = await runDaa(['export', '--project', 'Copy', '--output', path.join(root, 'copy.daa.zip')], { env: otherEnv, cwd: root });
    expect(again.code).toBe(0);

    // 3. Import back through the server: a clashing name gets a suffix, and the documents are the same.
    const back = await runDaa(['import', archive], { env: cliEnv, cwd: root });
    expect(back.code).toBe(0);
    const copyId = Number(/\(id (\d+)\)/.exec(back.stdout)![1]);
    expect(back.stdout).toContain("as project 'Shared (2)'");
    const names = async (id: number) =>
      ((await api(`/api/projects/${id}/documents`)) as Array<{ filename: string; status: string }>)
        .map((d) => `${d.filename}:${d.status}`)
        .sort();
    expect(await names(copyId)).toEqual(await names(projectId));
    const chatCount = async (id: number) => ((await api(`/api/projects/${id}/chats`)) as unknown[]).length;
    expect(await chatCount(copyId)).toBe(await chatCount(projectId));
  });

  it('the lock file goes when the server shuts down', async () => {
    expect(await server.kill('SIGTERM')).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'server.json'))).toBe(false);
  });
});
