import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/child-server.ts';
import { runDaa, spawnDaa } from '../support/daa-cli.ts';
import { FakeOllama, FIXTURE_TOKENS } from '../support/fake-ollama.ts';
import { writeHandbookFolder } from '../support/handbook-folder.ts';
import { createSqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';

/** `daa` with no server running: the CLI opens DATA_DIR itself (and processes its own uploads). */
describe('daa on a data dir without a server', () => {
  let root: string;
  let dataDir: string;
  let ollama: FakeOllama;
  let env: Record<string, string>;
  let handbook: Awaited<ReturnType<typeof writeHandbookFolder>>;
  let ingest: Awaited<ReturnType<typeof runDaa>>;

  const messagesOf = async (chatId: number) => {
    const store = createSqliteStore({ filePath: path.join(dataDir, 'daa.sqlite') });
    try {
      return await store.messages.listByChat(chatId);
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-cli-'));
    dataDir = path.join(root, 'data');
    ollama = await new FakeOllama().start();
    env = { DATA_DIR: dataDir, OLLAMA_HOST: ollama.url, LLM_PROVIDER: 'ollama', DEFAULT_TOP_K: '10', INGEST_RETRY_BASE_SECONDS: '0' };
    handbook = await writeHandbookFolder(root);
    ingest = await runDaa(['ingest', 'handbook', '--project', 'Handbook'], { env, cwd: root });
  }, 60_000);

  afterAll(async () => {
    await ollama.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('ingest walks the sub-folders: one line per document, skipped and duplicate reported, the failure with its reason, exit 1', () => {
    expect(ingest.stderr).toBe('');
    const lines = ingest.stdout.trim().split('\n');
    expect(lines[0]).toBe(`Ingesting 6 files into project 'Handbook' (id 1, new) in ${dataDir}`);
    for (const file of handbook.completed)
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^completed +${file} \\(\\d+ chunks?\\)$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^failed +${handbook.failed}: This PDF has no text layer`)));
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^duplicate +${handbook.duplicate}: This content is already in the project as 'vacation.md'`)),
    );
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^skipped +${handbook.skipped}: This file type is not supported`)));
    expect(lines.at(-1)).toBe('6 documents: 4 completed, 1 duplicate, 1 failed; 1 file skipped');
    expect(ingest.code).toBe(1);
    // The CLI owned the data dir for its run only.
    expect(fs.existsSync(path.join(dataDir, 'server.json'))).toBe(false);
  });

  it('ask streams the answer, then the numbered sources; the question and answer are saved in a new chat', async () => {
    const result = await runDaa(['ask', 'How many vacation days does an employee get?', '--project', 'handbook'], { env, cwd: root });
    expect(result.code).toBe(0);
    const [answer, sources] = result.stdout.split('\nSources:\n');
    expect(answer!.trim()).toBe(FIXTURE_TOKENS.join('').trim());
    expect(sources).toMatch(/^ {2}\[1\] .+ \(score \d\.\d\d\)$/m);
    expect(sources).toMatch(/vacation\.md, section "Vacation" \(score/);
    expect(sources).toMatch(/holidays\.xlsx, sheet Holidays, rows \S+ \(score/);
    expect(sources).toMatch(/guide\.pdf, page 2 \(score/);
    const chatId = Number(/--chat (\d+)/.exec(result.stderr)?.[1]);
    const messages = await messagesOf(chatId);
    expect(messages.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(messages[0]!.content).toBe('How many vacation days does an employee get?');
    expect(messages[1]!.content).toBe(answer!.trim());
  });

  it("ask --json prints one object with the answer, model, ids and each source's filename, page, sheet, rows, heading and score", async () => {
    const result = await runDaa(['ask', 'Which vacation day is in the holidays sheet?', '--project', 'Handbook', '--json'], {
      env,
      cwd: root,
    });
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ answer: FIXTURE_TOKENS.join(''), model: 'llama3.2', status: 'complete' });
    expect(Number.isInteger(output.chat_id) && Number.isInteger(output.message_id)).toBe(true);
    for (const source of output.sources) {
      expect(Object.keys(source).sort()).toEqual(['filename', 'heading', 'page', 'rows', 'score', 'sheet']);
      expect(source.score).toBeGreaterThanOrEqual(0);
      expect(source.score).toBeLessThanOrEqual(1);
    }
    expect(output.sources).toContainEqual(
      expect.objectContaining({ filename: 'holidays.xlsx', sheet: 'Holidays', rows: expect.any(String), page: null }),
    );
    expect(output.sources).toContainEqual(expect.objectContaining({ filename: 'vacation.md', heading: 'Vacation', sheet: null }));
    expect(output.sources).toContainEqual(expect.objectContaining({ filename: 'guide.pdf', page: expect.any(Number) }));
    const messages = await messagesOf(output.chat_id);
    expect(messages.at(-1)).toMatchObject({ id: output.message_id, role: 'assistant', content: output.answer });
  });

  it('Ctrl-C during ask stops the generation upstream and keeps the partial answer, saved as stopped', async () => {
    ollama.queue({ tokenCount: 5000, tokenDelayMs: 5 });
    const run = spawnDaa(['ask', 'Tell me everything', '--project', 'Handbook'], { env, cwd: root });
    // 1. The first tokens are on the terminal.
    await run.waitForStdout(/t1 t2 t3 /);
    // 2. Ctrl-C.
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    // 3. The model request was aborted, not left running.
    const request = ollama.lastChat();
    await request.settled;
    expect(request.hungUp).toBe(true);
    expect(request.tokensSent).toBeLessThan(5000);
    // 4. The partial answer is saved as stopped.
    expect(run.stderr()).toMatch(/^Stopped: the partial answer is saved in chat (\d+)\.$/m);
    const chatId = Number(/chat (\d+)/.exec(run.stderr())![1]);
    const [question, answer] = await messagesOf(chatId);
    expect(question!.content).toBe('Tell me everything');
    expect(answer!.status).toBe('stopped');
    expect(answer!.content).toMatch(/^t1 t2 t3 /);
    expect(answer!.content).not.toContain('t5000');
  });

  it('an unknown project, an unreadable file and an unreachable --url each print one sentence and exit 1', async () => {
    const port = await freePort();
    const [unknownProject, unreadableFile, unreachable] = await Promise.all([
      runDaa(['ask', 'Anything?', '--project', 'No such project'], { env, cwd: root }),
      runDaa(['ingest', 'handbook/missing.pdf', '--project', 'Handbook'], { env, cwd: root }),
      runDaa(['--url', `http://127.0.0.1:${port}`, 'ask', 'Anything?', '--project', 'Handbook'], { env, cwd: root }),
    ]);
    expect(unknownProject.stderr).toMatch(
      /^daa: There is no project 'No such project' \(in .+\); daa ingest --project 'No such project' creates it\.\n$/,
    );
    expect(unreadableFile.stderr).toBe("daa: Cannot read 'handbook/missing.pdf': no such file or folder.\n");
    expect(unreachable.stderr).toBe(`daa: Cannot reach the server at http://127.0.0.1:${port} (connection refused)\n`);
    for (const result of [unknownProject, unreadableFile, unreachable]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
    }
  });

  it('serve --workers 0 is a usage error (exit 2); --workers N > 1 runs a cluster (test/integration/cluster)', async () => {
    const result = await runDaa(['serve', '--workers', '0'], { env, cwd: root });
    expect(result.stderr).toMatch(/--workers must be a whole number of at least 1/);
    expect(result.code).toBe(2);
  });
});
