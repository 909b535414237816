import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../../src/server/store/sqlite/sqlite-store.ts';
import { DocumentStatusLog, joinProject, uploadDocuments } from '../../support/documents.ts';
import { exportArchive, importArchive } from '../../support/project-archives.ts';
import { connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

const TEXT = Array.from({ length: 40 }, (_, index) => `Line ${index}: the lighthouse keeper logs the tide and the weather at dawn.`).join(
  ' ',
);

/** Every row an import could leave behind, counted on a connection of its own (committed rows only). */
function rowCounts(file: string) {
  const reader = new Database(file, { readonly: true });
  try {
    const count = (sql: string) => (reader.prepare(sql).get() as { n: number }).n;
    return {
      projects: count('SELECT COUNT(*) AS n FROM projects'),
      documents: count('SELECT COUNT(*) AS n FROM documents'),
      chunks: count('SELECT COUNT(*) AS n FROM chunks'),
      fullText: count('SELECT COUNT(*) AS n FROM chunks_fts'),
      chats: count('SELECT COUNT(*) AS n FROM chats'),
      messages: count('SELECT COUNT(*) AS n FROM messages'),
      indexes: count('SELECT COUNT(*) AS n FROM embedding_indexes'),
      backlog: count('SELECT COUNT(*) AS n FROM vector_backlog'),
      vectorTables: count("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%vec0%'"),
    };
  } finally {
    reader.close();
  }
}

describe('project import: written in batches into a hidden project', () => {
  let source: TestServer;
  let target: TestServer;
  let socket: ClientSocket;
  let archive: Buffer;
  let databaseFile: string;

  beforeAll(async () => {
    source = await startTestServer();
    await source.embeddingBackfill.check();
    socket = await connect(source.url);
    const log = new DocumentStatusLog(socket);
    const { projectId, chatId } = await createProjectAndChat(source, 'Lighthouse log');
    await joinProject(socket, projectId);
    const upload = await uploadDocuments(source, projectId, [
      { filename: 'tides.txt', content: TEXT },
      { filename: 'weather.txt', content: TEXT.replaceAll('tide', 'storm') },
    ]);
    await Promise.all(upload.body.uploaded.map((document: { id: number }) => log.until(document.id)));
    expect((await source.api('POST', `/api/chats/${chatId}/messages`, { message: 'What does the keeper log?' })).status).toBe(200);
    archive = (await exportArchive(source, projectId)).bytes;

    target = await startTestServer({}, { keepDataDir: true });
    await target.embeddingBackfill.check();
    databaseFile = path.join(target.dataDir, 'daa.sqlite');
  });

  afterAll(async () => {
    socket?.close();
    await source?.close();
    await target?.close();
    if (target) fs.rmSync(target.dataDir, { recursive: true, force: true });
  });

  it('fails in the middle, after earlier batches committed, and leaves nothing visible and nothing behind', async () => {
    const before = rowCounts(databaseFile);
    const db = (target.store as SqliteStore).db;
    // A real SQLite failure planted at the first message: by then documents, chunks, vectors and
    // chats are written. The probe reads what is committed at that moment from another connection.
    let committedAtFailure: ReturnType<typeof rowCounts> | undefined;
    db.function('import_probe', () => {
      committedAtFailure ??= rowCounts(databaseFile);
      return 1;
    });
    db.exec(
      `CREATE TRIGGER planted_failure BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'planted failure') WHERE import_probe() = 1; END`,
    );

    // Listings polled while the import runs (the loop is free between batches) never show it.
    const seen = new Set<string>();
    let importing = true;
    const poller = (async () => {
      while (importing) {
        const [live, all] = await Promise.all([
          target.api('GET', '/api/projects?limit=100'),
          target.api('GET', '/api/projects?limit=100&include_deleted=true'),
        ]);
        for (const project of [...live.body, ...all.body] as Array<{ name: string }>) seen.add(project.name);
      }
    })();
    const response = await importArchive(target, archive);
    importing = false;
    await poller;
    db.exec('DROP TRIGGER planted_failure');

    expect(response.status).toBe(500);
    expect(committedAtFailure).toBeDefined();
    // Batched: the earlier tables were committed (one transaction would show none of them here)…
    expect(committedAtFailure!.chunks).toBeGreaterThan(before.chunks);
    expect(committedAtFailure!.chats).toBeGreaterThan(before.chats);
    // …yet the project was hidden all along, and is gone now with every row and table it had.
    expect([...seen]).not.toContain('Lighthouse log');
    expect(rowCounts(databaseFile)).toEqual(before);
    expect(fs.readdirSync(path.join(target.dataDir, 'documents'))).toEqual([]);

    // The same archive imports cleanly afterwards.
    const retried = await importArchive(target, archive);
    expect(retried.status).toBe(201);
    expect(retried.body.name).toBe('Lighthouse log');
  });

  it('removes at start-up a project whose import a crash cut short', async () => {
    const db = (target.store as SqliteStore).db;
    // What a crash mid-import leaves: a hidden project with some rows.
    const projectId = Number(
      db
        .prepare(
          `INSERT INTO projects (name, settings, created_at, updated_at, deleted_at, importing) VALUES ('Cut short', '{}', 'now', 'now', 'now', 1)`,
        )
        .run().lastInsertRowid,
    );
    db.prepare(`INSERT INTO chats (project_id, title, created_at, updated_at) VALUES (?, 'half', 'now', 'now')`).run(projectId);
    expect((await target.api('GET', `/api/projects/${projectId}`)).status).toBe(404);
    expect(
      ((await target.api('GET', '/api/projects?include_deleted=true')).body as Array<{ id: number }>).map((project) => project.id),
    ).not.toContain(projectId);

    const dataDir = target.dataDir;
    await target.close();
    target = await startTestServer({}, { dataDir, keepDataDir: true });
    const reader = new Database(path.join(dataDir, 'daa.sqlite'), { readonly: true });
    try {
      expect(reader.prepare('SELECT COUNT(*) AS n FROM projects WHERE id = ?').get(projectId)).toEqual({ n: 0 });
      expect(reader.prepare('SELECT COUNT(*) AS n FROM chats WHERE project_id = ?').get(projectId)).toEqual({ n: 0 });
    } finally {
      reader.close();
    }
  });
});
