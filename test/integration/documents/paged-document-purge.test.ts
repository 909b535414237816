import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../../src/server/store/sqlite/sqlite-store.ts';
import { DocumentStatusLog, joinProject, uploadDocument } from '../../support/documents.ts';
import { connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

// Short chunks of a long text: several hundred chunks, more than one page of the purge.
const text = (topic: string) =>
  Array.from({ length: 500 }, (_, index) => `Entry ${index}: the keeper notes ${topic} and the passing ships at dawn.`).join(' ');

describe('documents: a document with many chunks is removed in pages', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let projectId: number;
  let reader: Database.Database;
  /** Committed chunk counts of a document, read from another connection each time a chunk row goes. */
  let seen: number[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    await server.embeddingBackfill.check();
    socket = await connect(server.url);
    projectId = (await createProjectAndChat(server, 'Keeper')).projectId;
    await joinProject(socket, projectId);
    await server.api('PUT', `/api/projects/${projectId}`, { settings: { chunk_size: 100, chunk_overlap: 0 } });
    reader = new Database(path.join(server.dataDir, 'daa.sqlite'), { readonly: true });
    const committed = reader.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM chunks WHERE document_id = ?');
    const db = (server.store as SqliteStore).db;
    db.function('purge_probe', (documentId) => {
      seen.push(committed.get(Number(documentId))!.n);
      return 0;
    });
    db.exec('CREATE TRIGGER purge_probe AFTER DELETE ON chunks BEGIN SELECT purge_probe(old.document_id); END');
  });

  afterAll(async () => {
    reader?.close();
    socket?.disconnect();
    await server?.close();
  });

  async function ingested(filename: string, content: string) {
    const log = new DocumentStatusLog(socket);
    const document = (await uploadDocument(server, projectId, { filename, content })).body.document;
    expect((await log.until(document.id, undefined, 30_000)).status).toBe('completed');
    const chunks = (server.store as SqliteStore).db.prepare('SELECT id FROM chunks WHERE document_id = ?').all(document.id) as Array<{
      id: number;
    }>;
    expect(chunks.length).toBeGreaterThan(400);
    const index = (await server.store.vectors.activeIndex(projectId))!;
    return { id: document.id as number, chunkIds: chunks.map((chunk) => chunk.id), vectorTable: `vec_index_${index.id}` };
  }

  /** What is left of the document's chunks in the chunk table, the full-text index and the vectors. */
  function leftOver(document: { id: number; chunkIds: number[]; vectorTable: string }) {
    const db = (server.store as SqliteStore).db;
    const count = (sql: string) => document.chunkIds.reduce((total, id) => total + (db.prepare(sql).get(BigInt(id)) as { n: number }).n, 0);
    return {
      chunks: (db.prepare('SELECT COUNT(*) AS n FROM chunks WHERE document_id = ?').get(document.id) as { n: number }).n,
      fullText: count('SELECT COUNT(*) AS n FROM chunks_fts WHERE rowid = ?'),
      vectors: count(`SELECT COUNT(*) AS n FROM ${document.vectorTable} WHERE chunk_id = ?`),
      backlog: count('SELECT COUNT(*) AS n FROM vector_backlog WHERE chunk_id = ?'),
    };
  }

  it('deletes over REST in pages, each committed on its own, and leaves no chunk, full-text row or vector', async () => {
    const document = await ingested('tides.txt', text('the tides'));
    expect(leftOver(document).vectors).toBe(document.chunkIds.length);
    seen = [];
    expect((await server.api('DELETE', `/api/documents/${document.id}`)).status).toBe(204);
    // One transaction would show the other connection all chunks until the very end.
    expect(Math.min(...seen)).toBeLessThan(document.chunkIds.length);
    expect(Math.min(...seen)).toBeGreaterThan(0);
    expect(leftOver(document)).toEqual({ chunks: 0, fullText: 0, vectors: 0, backlog: 0 });
    expect((await server.api('GET', `/api/documents/${document.id}`)).status).toBe(404);
  });

  it('marks a document failed in pages too', async () => {
    const document = await ingested('storms.txt', text('the storms'));
    seen = [];
    expect(await server.store.documents.markFailed(document.id, 'The parser gave up')).toBe(true);
    expect(Math.min(...seen)).toBeLessThan(document.chunkIds.length);
    expect(Math.min(...seen)).toBeGreaterThan(0);
    expect(leftOver(document)).toEqual({ chunks: 0, fullText: 0, vectors: 0, backlog: 0 });
    expect((await server.api('GET', `/api/documents/${document.id}`)).body).toMatchObject({ status: 'failed', chunk_count: 0 });
  });
});
