import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DAA_BIN, runDaa } from '../support/daa-cli.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

function addUser(dataDir: string, args: string[], password: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [DAA_BIN, 'users', 'add', ...args, '--password-stdin'], {
    env: { ...process.env, DATA_DIR: dataDir, AUTH_MODE: 'accounts' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(`${password}\n`);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('daa users add', () => {
  let server: TestServer | undefined;
  let dataDir: string;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('adds an admin from --password-stdin who can then sign in; the password is never printed', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-users-'));
    const added = await addUser(dataDir, ['root@example.test', '--admin'], 'cli-password-123');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/Added administrator root@example.test/);
    expect(added.stdout + added.stderr).not.toContain('cli-password-123');
    server = await startTestServer({ AUTH_MODE: 'accounts' }, { dataDir });
    const login = await server.api('POST', '/api/auth/login', { email: 'root@example.test', password: 'cli-password-123' });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('admin');
  });

  it('without a terminal and without --password-stdin, says how to pass the password (exit 2)', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-users-'));
    const result = await runDaa(['users', 'add', 'x@example.test'], { env: { DATA_DIR: dataDir } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--password-stdin/);
  });
});
