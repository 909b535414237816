import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterEach, describe, expect, it } from 'vitest';
import { startChildServer, waitForExit } from '../../support/child-server.ts';
import { uploadDocuments } from '../../support/documents.ts';
import { FakeOllama } from '../../support/fake-ollama.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

const FILES = Array.from({ length: 12 }, (_, index) => ({
  filename: `report-${index}.${index % 3 === 0 ? 'csv' : index % 3 === 1 ? 'md' : 'txt'}`,
  content:
    index % 3 === 0
      ? ['id,item,amount', ...Array.from({ length: 40 + index }, (_, row) => `${row},item ${index}-${row},${row * index}`)].join('\n')
      : Array.from(
          { length: 20 + index },
          (_, line) => `Section ${line} of report ${index}: quarterly figures, staffing and outlook.`,
        ).join(' '),
}));

const SETTINGS = { INGEST_WORKERS: '2', EMBED_BATCH_SIZE: '2', LLM_PROVIDER: 'extractive', INGEST_RETRY_BASE_SECONDS: '0.1' };

async function listDocuments(url: string, projectId: number): Promise<any[]> {
  return (await fetch(`${url}/api/projects/${projectId}/documents`)).json() as Promise<any[]>;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('ingestion survives SIGKILL', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('after a kill mid-batch and a restart, every document ends completed or failed with clean-run chunk counts', async () => {
    // 1. The reference: the same batch ingested by a server that is never interrupted.
    const clean: TestServer = await startTestServer(SETTINGS);
    cleanups.push(() => clean.close());
    const cleanProject = (await clean.api('POST', '/api/projects', { name: 'clean' })).body.id;
    expect((await uploadDocuments(clean, cleanProject, FILES)).body.successful).toBe(FILES.length);
    await clean.ingestRunner.whenIdle();
    const expected = new Map((await listDocuments(clean.url, cleanProject)).map((document) => [document.filename, document.chunk_count]));
    expect([...expected.values()].every((count) => count > 0)).toBe(true);

    // 2. A child server, slowed down by a slow embedder, killed while the batch is half done.
    const ollama = await new FakeOllama().start();
    cleanups.push(() => ollama.stop());
    ollama.embedDelayMs = 150;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-crash-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const env = { ...SETTINGS, DATA_DIR: dataDir, OLLAMA_HOST: ollama.url };
    const first = await startChildServer(env);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    const project = await (
      await fetch(`${first.url}/api/projects`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'crash' }),
      })
    ).json();
    const form = new FormData();
    for (const file of FILES) form.append('files', new Blob([file.content]), file.filename);
    const uploaded = await (await fetch(`${first.url}/api/projects/${project.id}/documents/bulk`, { method: 'POST', body: form })).json();
    expect(uploaded.successful).toBe(FILES.length);
    const midway = await until(
      () => listDocuments(first.url, project.id),
      (documents) => documents.filter((document) => document.status === 'completed').length >= 2,
      30_000,
      'two completed documents',
    );
    first.child.kill('SIGKILL');
    await waitForExit(first.child);
    expect(midway.some((document) => document.status !== 'completed')).toBe(true);

    // 3. Restart on the same data dir: everything is finished, nothing twice.
    ollama.embedDelayMs = 0;
    const second = await startChildServer(env);
    cleanups.push(async () => {
      second.child.kill('SIGTERM');
      await waitForExit(second.child);
    });
    const final = await until(
      () => listDocuments(second.url, project.id),
      (documents) => documents.every((document) => document.status === 'completed' || document.status === 'failed'),
      60_000,
      'every document to finish',
    );
    expect(final).toHaveLength(FILES.length);
    for (const document of final) {
      expect(document.status, `${document.filename}: ${document.error_message}`).toBe('completed');
      expect(document.chunk_count, document.filename).toBe(expected.get(document.filename));
    }
    second.child.kill('SIGTERM');
    await waitForExit(second.child);

    // 4. The database agrees: one row per chunk index, full-text and vectors in step, no jobs left.
    const db = new Database(path.join(dataDir, 'daa.sqlite'), { readonly: true });
    cleanups.push(() => void db.close());
    const perDocument = db
      .prepare('SELECT document_id, COUNT(*) AS total, COUNT(DISTINCT chunk_index) AS distinct_indexes FROM chunks GROUP BY document_id')
      .all() as Array<{ total: number; distinct_indexes: number }>;
    expect(perDocument.every((row) => row.total === row.distinct_indexes)).toBe(true);
    const chunkTotal = (db.prepare('SELECT COUNT(*) AS count FROM chunks').get() as { count: number }).count;
    expect(chunkTotal).toBe([...expected.values()].reduce((sum, count) => sum + count, 0));
    expect((db.prepare('SELECT COUNT(*) AS count FROM chunks_fts_docsize').get() as { count: number }).count).toBe(chunkTotal);
    expect(db.prepare(`SELECT COUNT(*) AS count FROM ingest_jobs WHERE kind = 'parse'`).get()).toEqual({ count: 0 });
    sqliteVec.load(db);
    const active = db.prepare(`SELECT id FROM embedding_indexes WHERE status = 'active'`).all() as Array<{ id: number }>;
    expect(active).toHaveLength(1);
    expect(db.prepare(`SELECT COUNT(*) AS count FROM vec_index_${active[0]!.id}`).get()).toEqual({ count: chunkTotal });
  }, 120_000);
});
