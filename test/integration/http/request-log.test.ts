import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../support/server-process.ts';
import { createTempDir } from '../../support/temp-files.ts';

const running: Array<{ kill(signal: NodeJS.Signals): unknown }> = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.kill('SIGTERM');
});

const quiet = { LLM_PROVIDER: 'extractive', EMBEDDING_PROVIDER: 'none', OLLAMA_HOST: 'http://127.0.0.1:9' };

async function untilOutput(read: () => string, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('request logging', () => {
  it('writes one JSON line per request when stdout is not a terminal, and none at info for the status poll', async () => {
    const dir = createTempDir();
    const server: ServerProcess = await startServerProcess({ DATA_DIR: dir.dir, ...quiet });
    running.push(server);
    // 1. Three polls of the model status, one real request (twice the same poll as the web app does).
    for (let poll = 0; poll < 3; poll += 1) expect((await fetch(`${server.url}/api/llm/status`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/projects?token=secret-canary-123`)).status).toBe(200);
    const line = await untilOutput(server.output, /^\{.*"msg":"GET \/api\/projects\?token=[^"]*".*\}$/m);
    const entry = JSON.parse(line[0]);
    // 2. One line, with status and time, the query's token redacted.
    expect(entry.msg).toMatch(/^GET \/api\/projects\?token=\S+ 200 \d+ ms$/);
    expect(entry.res.statusCode).toBe(200);
    expect(server.output()).not.toContain('secret-canary-123');
    expect(server.output()).not.toContain('incoming request');
    expect(server.output()).not.toContain('/api/llm/status');
    dir.remove();
  });

  it('writes readable lines (pino-pretty) with LOG_FORMAT=pretty, as on a terminal', async () => {
    const dir = createTempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        SERVE_WEB: 'false',
        LOG_FORMAT: 'pretty',
        DATA_DIR: dir.dir,
        ...quiet,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    running.push({
      kill: (signal) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve(null);
          child.once('exit', resolve);
          child.kill(signal);
        }),
    });
    const [, url] = await untilOutput(() => output, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 30_000);
    expect((await fetch(`${url}/api/projects`)).status).toBe(200);
    const [line] = await untilOutput(() => output, /^.*GET \/api\/projects 200 \d+ ms.*$/m);
    // A level word and a clock, not a JSON object.
    expect(line.startsWith('{')).toBe(false);
    expect(line).toMatch(/\d\d:\d\d:\d\d/);
    expect(line).toContain('INFO');
    expect(output.split('\n').filter((text) => text.trim().startsWith('{"level"'))).toEqual([]);
    dir.remove();
  });
});
