import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentStatusLog, joinProject, uploadDocuments } from '../../support/documents.ts';
import { connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';
import { ADMIN, addUser, login, startAccountsServer } from '../accounts/accounts-support.ts';

/** Every file under a folder, with its size. */
function filesUnder(directory: string): Array<{ path: string; size: number }> {
  return fs
    .readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { path: file, size: fs.statSync(file).size };
    });
}

/** A file written now with a modification time an hour ago (old enough to count as an orphan). */
function oldFile(file: string, content: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  const hourAgo = new Date(Date.now() - 3_600_000);
  fs.utimesSync(file, hourAgo, hourAgo);
}

describe('maintenance API', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let projectId: number;
  let documentIds: number[];
  const uploadDir = () => path.join(server.dataDir, 'documents');

  beforeAll(async () => {
    server = await startTestServer();
    await server.embeddingBackfill.check();
    socket = await connect(server.url);
    const log = new DocumentStatusLog(socket);
    ({ projectId } = await createProjectAndChat(server, 'Maintenance'));
    await joinProject(socket, projectId);
    await server.api('PUT', `/api/projects/${projectId}`, { settings: { chunk_size: 200, chunk_overlap: 0 } });
    const text = (topic: string) => Array.from({ length: 8 }, (_, index) => `Paragraph ${index} about ${topic}.`).join('\n\n');
    const upload = await uploadDocuments(server, projectId, [
      { filename: 'bees.txt', content: text('bees and their hives') },
      { filename: 'trains.txt', content: text('trains and their stations') },
    ]);
    documentIds = upload.body.uploaded.map((document: { id: number }) => document.id);
    await Promise.all(documentIds.map((id) => log.until(id)));
  });

  afterAll(async () => {
    socket?.disconnect();
    await server?.close();
  });

  it('reports storage and the vector store, recounts, and removes real orphaned vectors and files', async () => {
    // 1. Storage: the two uploads, as on disk.
    const onDisk = filesUnder(uploadDir());
    expect(onDisk).toHaveLength(2);
    const storage = await server.api('GET', '/api/maintenance/stats/storage');
    expect(storage.status).toBe(200);
    const bytes = onDisk.reduce((sum, file) => sum + file.size, 0);
    expect(storage.body).toEqual({ total_files: 2, total_size_bytes: bytes, total_size_mb: Math.round((bytes / 1048576) * 100) / 100 });

    // 2. Status: the project's index with one vector per chunk.
    const chunks = (await server.api('GET', `/api/analytics/projects/${projectId}/chunks?limit=200`)).body.total as number;
    expect(chunks).toBeGreaterThanOrEqual(4);
    const status = await server.api('GET', '/api/maintenance/status');
    expect(status.status).toBe(200);
    const collection = status.body.vectorstore_stats.collections.find((item: any) => item.metadata.project_id === projectId);
    expect(collection).toMatchObject({ metadata: { model: 'nomic-embed-text', dimensions: 768, status: 'active' }, count: chunks });
    expect(status.body.file_storage_stats).toEqual(storage.body);

    // 3. Real orphans: a chunk row deleted behind the store's back (its vector and its document's
    //    stored chunk count are left), a stray file in the project's folder, a folder of no project,
    //    and a fresh stray file that must be kept (it may be an upload about to get its document row).
    const database = new Database(path.join(server.dataDir, 'daa.sqlite'));
    const victim = database
      .prepare<[number], { id: number }>('SELECT id FROM chunks WHERE document_id = ? ORDER BY id LIMIT 1')
      .get(documentIds[0]!)!;
    database.prepare('DELETE FROM chunks WHERE id = ?').run(victim.id);
    database.close();
    const strayInProject = path.join(uploadDir(), String(projectId), `${randomUUID()}.txt`);
    const strayProjectFolder = path.join(uploadDir(), '987654', `${randomUUID()}.pdf`);
    oldFile(strayInProject, 'nobody refers to me');
    oldFile(strayProjectFolder, 'my project is long gone');
    const fresh = path.join(uploadDir(), String(projectId), `${randomUUID()}.md`);
    fs.writeFileSync(fresh, 'just arrived');

    // 4. Recount: the first document's stored chunk count was one too many.
    const recount = await server.api('POST', '/api/maintenance/recalculate-counts');
    expect(recount.status).toBe(200);
    expect(recount.body.status).toBe('success');
    expect(recount.body.projects.find((row: any) => row.project_id === projectId)).toEqual({
      project_id: projectId,
      project_name: 'Maintenance',
      old_count: 2,
      new_count: 2,
      updated: true,
      old_chunk_count: chunks,
      new_chunk_count: chunks - 1,
    });
    expect(recount.body.updated_projects).toBe(1);
    expect((await server.api('POST', '/api/maintenance/recalculate-counts')).body.updated_projects).toBe(0);

    // 5. Cleanup: the orphaned vector and the two old stray files go; the fresh one and the documents stay.
    const cleanup = await server.api('POST', '/api/maintenance/cleanup/vectorstore');
    expect(cleanup.status).toBe(200);
    expect(cleanup.body).toMatchObject({
      status: 'success',
      orphaned_vectors: 1,
      orphaned_indexes: 0,
      orphaned_files: 2,
      cleaned_items: 3,
    });
    const strayBytes = 'nobody refers to me'.length + 'my project is long gone'.length;
    expect(cleanup.body.cleaned_size_bytes).toBe(768 * 4 + strayBytes);
    expect(cleanup.body.message).toBe(
      `Successfully cleaned up 3 orphaned items, freed ${((768 * 4 + strayBytes) / 1048576).toFixed(2)} MB of disk space`,
    );
    expect(cleanup.body.active_collections).toContain(collection.name);
    expect(fs.existsSync(strayInProject)).toBe(false);
    expect(fs.existsSync(path.dirname(strayProjectFolder))).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    for (const file of onDisk) expect(fs.existsSync(file.path)).toBe(true);
    const after = await server.api('GET', '/api/maintenance/status');
    expect(after.body.vectorstore_stats.collections.find((item: any) => item.name === collection.name).count).toBe(chunks - 1);
    expect((await server.api('POST', '/api/maintenance/cleanup/vectorstore')).body).toMatchObject({
      cleaned_items: 0,
      cleaned_size_bytes: 0,
    });
    // The documents still answer: both files download.
    for (const id of documentIds) expect((await fetch(`${server.url}/api/documents/${id}/download`)).status).toBe(200);
  });
});

describe('maintenance API with accounts', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startAccountsServer();
  });

  afterAll(async () => server?.close());

  it('is for administrators only', async () => {
    const admin = await login(server, ADMIN.email, ADMIN.password);
    const member = await addUser(server, admin, `member-${randomUUID()}@example.test`);
    const routes = [
      ['GET', '/api/maintenance/stats/storage'],
      ['GET', '/api/maintenance/status'],
      ['POST', '/api/maintenance/recalculate-counts'],
      ['POST', '/api/maintenance/cleanup/vectorstore'],
    ] as const;
    for (const [method, route] of routes) {
      expect((await server.api(method, route)).status).toBe(401);
      const refused = await server.api(method, route, undefined, member.headers);
      expect(refused.status).toBe(403);
      expect((await server.api(method, route, undefined, admin.headers)).status).toBe(200);
    }
  });
});
