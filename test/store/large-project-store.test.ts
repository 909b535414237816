import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore, type SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';

const chunk = (chunkIndex: number, content = `chunk ${chunkIndex} of orchards and tides`) => ({
  chunkIndex,
  content,
  startChar: 0,
  endChar: content.length,
});

/** Counts turns of the event loop while `work` runs: 0 means it held the loop from start to end. */
async function loopTurnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    turns += 1;
    setImmediate(spin);
  };
  setImmediate(spin);
  await work();
  running = false;
  return turns;
}

describe('sqlite store at scale: the vector backlog and paged purges', () => {
  let dir: string;
  let store: SqliteStore;
  let projectId: number;

  async function addDocument(name: string, chunkCount: number, status: 'completed' | 'processing' = 'completed') {
    const document = await store.documents.create({
      projectId,
      filename: name,
      fileType: 'txt',
      mimeType: 'text/plain',
      fileSize: 1,
      storedName: name,
      contentHash: name,
    });
    const ids = (await store.chunks.indexDocument({
      documentId: document.id,
      chunks: Array.from({ length: chunkCount }, (_, index) => chunk(index)),
      pageCount: null,
      wordCount: 1,
      parsedMetadata: {},
    }))!;
    await store.documents.setProgress(document.id, { status, stage: status === 'completed' ? 'completed' : 'indexing', progress: 50 });
    return { document, ids };
  }
  const backlogRows = () => (store.db.prepare('SELECT COUNT(*) AS count FROM vector_backlog').get() as { count: number }).count;

  beforeEach(async () => {
    // A file, not :memory:, so that the background connection (worker thread) takes part.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-store-scale-'));
    store = createSqliteStore({ filePath: path.join(dir, 'daa.sqlite') });
    projectId = (await store.projects.create({ name: 'p', description: null, settings: {} })).id;
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists chunks without a vector from the backlog: completed documents only, in id order, whatever the index age', async () => {
    const index = await store.vectors.createIndex({ projectId, provider: 'ollama', model: 'a', dimensions: 2, status: 'active' });
    const done = await addDocument('done.txt', 6);
    await addDocument('still-indexing.txt', 3, 'processing');
    await store.vectors.insert({ indexId: index.id, items: done.ids.slice(0, 4).map((chunkId) => ({ chunkId, embedding: [1, 0] })) });
    const missing = await store.chunks.listMissingVectors({ projectId, indexId: index.id, limit: 10 });
    expect(missing.map((row) => row.id)).toEqual(done.ids.slice(4));

    // A version created later starts with every chunk of the project to embed (seeded on first look).
    const next = await store.vectors.createIndex({ projectId, provider: 'ollama', model: 'b', dimensions: 2, status: 'building' });
    expect((await store.chunks.listMissingVectors({ projectId, indexId: next.id, limit: 100 })).map((row) => row.id)).toEqual(done.ids);

    // An index from before the backlog existed (migration 003 marks it unseeded) is seeded against its vectors.
    store.db.prepare('DELETE FROM vector_backlog WHERE index_id = ?').run(index.id);
    store.db.prepare('UPDATE embedding_indexes SET backlog_seeded_through = 0 WHERE id = ?').run(index.id);
    expect((await store.chunks.listMissingVectors({ projectId, indexId: index.id, limit: 10 })).map((row) => row.id)).toEqual(
      done.ids.slice(4),
    );

    await store.vectors.insert({ indexId: index.id, items: done.ids.slice(4).map((chunkId) => ({ chunkId, embedding: [0, 1] })) });
    expect(await store.chunks.listMissingVectors({ projectId, indexId: index.id, limit: 10 })).toEqual([]);
    // Deleting a document takes its backlog rows with it; retiring a version takes the rest.
    await store.documents.delete(done.document.id);
    await store.vectors.retire(next.id);
    expect(backlogRows()).toBe(3);
  });

  it('seeds a big backlog and purges a big project in steps, with the event loop free in between', async () => {
    const index = await store.vectors.createIndex({ projectId, provider: 'ollama', model: 'a', dimensions: 2, status: 'active' });
    const { ids } = await addDocument('big.txt', 3_000);
    await store.vectors.insert({ indexId: index.id, items: ids.map((chunkId) => ({ chunkId, embedding: [1, 1] })) });
    const chat = await store.chats.create({ projectId, title: 't', titleIsCustom: false });
    for (let message = 0; message < 50; message += 1)
      await store.messages.create({ chatId: chat.id, role: 'user', content: `q${message}`, status: 'complete' });

    const next = await store.vectors.createIndex({ projectId, provider: 'ollama', model: 'b', dimensions: 2, status: 'building' });
    let seeded: unknown[] = [];
    expect(
      await loopTurnsDuring(async () => (seeded = await store.chunks.listMissingVectors({ projectId, indexId: next.id, limit: 5 }))),
    ).toBeGreaterThan(1);
    expect(seeded).toHaveLength(5);

    expect(await loopTurnsDuring(() => store.projects.hardDelete(projectId))).toBeGreaterThan(1);
    expect(await store.projects.findById(projectId, { includeDeleted: true })).toBeUndefined();
    const count = (sql: string) => (store.db.prepare(sql).get() as { count: number }).count;
    expect(count('SELECT COUNT(*) AS count FROM chunks')).toBe(0);
    expect(count('SELECT COUNT(*) AS count FROM messages')).toBe(0);
    expect(await store.chunks.searchFullText({ projectId, query: 'orchards', limit: 5 })).toEqual([]);
    expect(backlogRows()).toBe(0);
    // The vec0 tables are dropped on the background connection.
    expect(await store.vectors.dropOrphanStorage()).toBe(2);
    expect(count(`SELECT COUNT(*) AS count FROM sqlite_master WHERE name GLOB 'vec_index_*'`)).toBe(0);
  });

  it('runs the brute-force vector search on the background connection, with the event loop free meanwhile', async () => {
    // Enough vectors that the scan takes real time: on the main thread the loop could not turn during
    // it; a reply from a tiny scan on the worker could arrive before the loop's first turn.
    const dimensions = 64;
    const index = await store.vectors.createIndex({ projectId, provider: 'ollama', model: 'a', dimensions, status: 'active' });
    const { ids } = await addDocument('near.txt', 20_000);
    const embedding = (position: number) =>
      Array.from({ length: dimensions }, (_, axis) => (axis === 0 ? 1 : axis === 1 ? position / 1000 : 0));
    await store.vectors.insert({ indexId: index.id, items: ids.map((chunkId, position) => ({ chunkId, embedding: embedding(position) })) });
    let matches: Array<{ chunkId: number; distance: number }> = [];
    expect(
      await loopTurnsDuring(async () => (matches = await store.vectors.search({ indexId: index.id, embedding: embedding(0), limit: 2 }))),
    ).toBeGreaterThan(0);
    expect(matches.map((match) => match.chunkId)).toEqual(ids.slice(0, 2));
    expect(matches[0]!.distance).toBeCloseTo(0);
  });
});
