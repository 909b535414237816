import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocumentStatusLog, joinProject } from '../../support/documents.ts';
import { makePdf } from '../../support/document-fixtures.ts';
import { makePdfBomb } from '../../support/pdf-bomb.ts';
import { startServerProcess, type ServerProcess } from '../../support/server-process.ts';
import { connect, type ClientSocket } from '../../support/socket-client.ts';

/**
 * The reported attack, against a real server process: two 1.5 MB PDFs that each inflate to 1.5 GB,
 * uploaded at once. Before, the server went to 6.5 GB with PARSE_MAX_MEMORY_MB=128 and kept 4.9 GB;
 * now both fail, the server keeps serving, and its memory stays bounded and comes back.
 */
const MB = 1024 * 1024;

function residentMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function upload(server: ServerProcess, projectId: number, filename: string, content: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(content)], { type: 'application/pdf' }), filename);
  const response = await fetch(`${server.url}/api/projects/${projectId}/documents`, { method: 'POST', body: form });
  return { status: response.status, body: (await response.json()) as any };
}

describe('PDF decompression bombs against a server process', () => {
  const cleanups: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(env: Record<string, string>) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-bomb-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const server = await startServerProcess({ DATA_DIR: dataDir, LLM_PROVIDER: 'extractive', EMBEDDING_PROVIDER: 'none', ...env });
    cleanups.push(() => server.kill('SIGKILL'));
    const socket: ClientSocket = await connect(server.url);
    cleanups.push(() => {
      socket.disconnect();
    });
    const log = new DocumentStatusLog(socket);
    const project = (await (
      await fetch(`${server.url}/api/projects`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Bombs' }),
      })
    ).json()) as { id: number };
    await joinProject(socket, project.id);
    return { server, log, projectId: project.id };
  }

  async function uploadBombsAndGood(context: Awaited<ReturnType<typeof start>>) {
    const { server, log, projectId } = context;
    const bomb = await makePdfBomb({ streams: 1, decodedBytes: 1500 * MB });
    expect(bomb.length).toBeLessThan(2 * MB);
    let peakMb = 0;
    const sampler = setInterval(() => (peakMb = Math.max(peakMb, residentMb(server.child.pid!))), 25);
    cleanups.push(() => clearInterval(sampler));
    // Two different files (a trailing comment), so the second is not refused as a duplicate.
    const uploads = await Promise.all(
      [0, 1].map((index) => upload(server, projectId, `bomb-${index}.pdf`, Buffer.concat([bomb, Buffer.from(`%${index}\n`)]))),
    );
    expect(uploads.map((response) => response.status)).toEqual([201, 201]);
    const finals = await Promise.all(uploads.map((response) => log.until(response.body.document.id, undefined, 120_000)));
    clearInterval(sampler);
    // Still serving: a good document after the bombs is parsed.
    const good = await upload(server, projectId, 'good.pdf', await makePdf(['Parsed after the bombs.']));
    expect((await log.until(good.body.document.id, undefined, 60_000)).status).toBe('completed');
    return { finals, peakMb, afterMb: residentMb(server.child.pid!) };
  }

  it('refuses bombs by their decoded size before PDFium inflates them', async () => {
    const { finals, peakMb } = await uploadBombsAndGood(await start({ PARSE_MAX_MEMORY_MB: '128' }));
    for (const final of finals) {
      expect(final).toMatchObject({ status: 'failed', error: expect.stringMatching(/more than 512 MB \(a decompression bomb\?\)/) });
    }
    expect(peakMb).toBeLessThan(800);
  }, 180_000);

  it('with the decoded-size cap lifted, stops them at the worker memory limit and gives the memory back', async () => {
    const { finals, peakMb, afterMb } = await uploadBombsAndGood(
      await start({ PARSE_MAX_MEMORY_MB: '128', PARSE_MAX_DECODED_MB: '65536' }),
    );
    for (const final of finals) {
      expect(final).toMatchObject({ status: 'failed', error: 'The file needs more memory than a parse may use (128 MB) and was stopped' });
    }
    // Generous bounds (two workers of 128 MB each, a decode buffer doubling past it, the server itself).
    console.log(`peak ${Math.round(peakMb)} MB, after ${Math.round(afterMb)} MB`);
    expect(peakMb).toBeLessThan(1200);
    expect(afterMb).toBeLessThan(600);
  }, 180_000);
});
