import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore, type SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';

describe('sqlite store: ingestion queue, chunks and vector indexes', () => {
  let store: SqliteStore;
  let projectId: number;

  async function addDocument(hash: string) {
    return store.documents.create({
      projectId,
      filename: `${hash}.txt`,
      fileType: 'txt',
      mimeType: 'text/plain',
      fileSize: 1,
      storedName: `${hash}.txt`,
      contentHash: hash,
    });
  }

  beforeEach(async () => {
    store = createSqliteStore({ filePath: ':memory:' });
    projectId = (await store.projects.create({ name: 'p', description: null, settings: {} })).id;
  });
  afterEach(async () => store.close());

  it('claims each job once, never two of one document, and requeues jobs of dead holders', async () => {
    const document = await addDocument('a');
    // A claim time after every enqueue below (jobs become due at their enqueue time).
    const now = new Date(Date.now() + 60_000).toISOString();
    expect(await store.jobs.enqueue({ kind: 'parse', projectId, documentId: document.id })).toBe(true);
    expect(await store.jobs.enqueue({ kind: 'parse', projectId, documentId: document.id })).toBe(false);
    const claimed = await store.jobs.claim({ workerId: 'w1', now });
    expect(claimed).toMatchObject({ documentId: document.id, status: 'running', attempts: 1, lockedBy: 'w1' });
    expect(await store.jobs.claim({ workerId: 'w2', now })).toBeUndefined();
    // A reprocess queues a second job; it waits while the first one runs.
    expect(await store.jobs.enqueue({ kind: 'parse', projectId, documentId: document.id })).toBe(true);
    expect(await store.jobs.claim({ workerId: 'w2', now })).toBeUndefined();
    const longAgo = new Date(0).toISOString();
    expect(await store.jobs.runningHolders()).toEqual(['w1']);
    expect(await store.jobs.requeueAbandoned({ lockedBefore: longAgo, deadHolders: [] })).toBe(0);
    expect(await store.jobs.requeueAbandoned({ lockedBefore: longAgo, deadHolders: ['w1'] })).toBe(1);
    // Requeued and the twin collapse into one queued job.
    const again = await store.jobs.claim({ workerId: 'w2', now: new Date().toISOString() });
    expect(again?.documentId).toBe(document.id);
    expect(await store.jobs.claim({ workerId: 'w3', now: new Date().toISOString() })).toBeUndefined();
  });

  it('retries later, not before run_after', async () => {
    const document = await addDocument('b');
    await store.jobs.enqueue({ kind: 'parse', projectId, documentId: document.id });
    const job = (await store.jobs.claim({ workerId: 'w', now: new Date().toISOString() }))!;
    const later = new Date(Date.now() + 60_000).toISOString();
    await store.jobs.retry(job.id, { runAfter: later, error: 'HTTP 500' });
    expect(await store.jobs.claim({ workerId: 'w', now: new Date().toISOString() })).toBeUndefined();
    expect(await store.jobs.nextDue()).toBe(later);
    expect(await store.jobs.claim({ workerId: 'w', now: later })).toMatchObject({ attempts: 2, lastError: 'HTTP 500' });
  });

  it('indexing replaces chunks, full-text and vectors of a document in one go; delete removes all', async () => {
    const document = await addDocument('c');
    const index = await store.vectors.createIndex({ projectId, provider: 'ollama', model: 'm', dimensions: 2, status: 'active' });
    const chunk = (chunkIndex: number, content: string) => ({ chunkIndex, content, startChar: 0, endChar: content.length });
    const first = (await store.chunks.indexDocument({
      documentId: document.id,
      chunks: [chunk(0, 'red apples'), chunk(1, 'green pears')],
      pageCount: null,
      wordCount: 4,
      parsedMetadata: {},
    }))!;
    expect(
      await store.vectors.insert({ indexId: index.id, items: first.map((chunkId, position) => ({ chunkId, embedding: [position, 1] })) }),
    ).toBe(2);
    const second = (await store.chunks.indexDocument({
      documentId: document.id,
      chunks: [chunk(0, 'yellow bananas')],
      pageCount: null,
      wordCount: 2,
      parsedMetadata: {},
    }))!;
    expect(await store.vectors.countVectors(index.id)).toBe(0);
    expect(
      await store.vectors.insert({ indexId: index.id, items: [...first, ...second].map((chunkId) => ({ chunkId, embedding: [1, 1] })) }),
    ).toBe(1);
    expect(await store.chunks.countByProject(projectId)).toBe(1);
    expect(await store.vectors.countVectors(index.id)).toBe(1);
    expect(await store.chunks.searchFullText({ projectId, query: 'apples', limit: 5 })).toEqual([]);
    expect(await store.chunks.searchFullText({ projectId, query: 'banana', limit: 5 })).toHaveLength(1);
    expect(await store.documents.findById(document.id)).toMatchObject({ stage: 'indexing', chunkCount: 1, embeddingModel: 'm' });
    await store.documents.delete(document.id);
    expect(await store.vectors.countVectors(index.id)).toBe(0);
    expect(await store.chunks.searchFullText({ projectId, query: 'banana', limit: 5 })).toEqual([]);
    expect(
      await store.chunks.indexDocument({
        documentId: document.id,
        chunks: [chunk(0, 'x')],
        pageCount: null,
        wordCount: 1,
        parsedMetadata: {},
      }),
    ).toBeUndefined();
  });

  it('keeps one active index per project; activation retires the old version and drops its vectors', async () => {
    const first = await store.vectors.createIndex({ projectId, provider: 'ollama', model: 'a', dimensions: 3, status: 'active' });
    const second = await store.vectors.createIndex({ projectId, provider: 'ollama', model: 'b', dimensions: 5, status: 'building' });
    expect((await store.vectors.activeIndex(projectId))?.id).toBe(first.id);
    await store.vectors.activate(second.id);
    expect((await store.vectors.activeIndex(projectId))?.id).toBe(second.id);
    expect((await store.vectors.listIndexes(projectId)).map((index) => index.status)).toEqual(['retired', 'active']);
    expect(store.db.prepare(`SELECT name FROM sqlite_master WHERE name = 'vec_index_${first.id}'`).get()).toBeUndefined();
    await store.projects.hardDelete(projectId);
    expect(await store.vectors.dropOrphanStorage()).toBe(1);
  });
});
