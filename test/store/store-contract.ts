import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, DuplicateDocumentError } from '../../src/server/errors.ts';
import type { Store } from '../../src/server/store/store.ts';
import { analyzedText } from '../../src/server/store/text-analyzer.ts';

export interface StoreUnderTest {
  store: Store;
  /** Closes the store and removes its data. */
  dispose(): Promise<void>;
  /** A second store on the same data, as another process would open it (closed by the caller). */
  openAnother?(): Promise<Store>;
}

/**
 * The behaviour every Store implementation must share, repository by repository. `makeStore` is
 * called once per suite (a fresh, empty database); each test works in its own project.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest | undefined>): void {
  describe(`store contract: ${name}`, () => {
    let subject: StoreUnderTest | undefined;
    let store: Store;

    beforeAll(async () => {
      subject = await makeStore();
      if (subject) store = subject.store;
    });
    afterAll(async () => subject?.dispose());

    const test = (title: string, body: () => Promise<void>) =>
      it(title, async (context) => {
        if (!subject) return context.skip();
        await body();
      });

    async function newProject() {
      return store.projects.create({ name: `p-${randomUUID()}`, description: null, settings: {} });
    }
    async function addDocument(projectId: number, hash: string = randomUUID()) {
      return store.documents.create({
        projectId,
        filename: `${hash}.txt`,
        fileType: 'txt',
        mimeType: 'text/plain',
        fileSize: 10,
        storedName: `${hash}.txt`,
        contentHash: hash,
      });
    }
    const chunk = (chunkIndex: number, content: string) => ({ chunkIndex, content, startChar: 0, endChar: content.length });
    async function indexed(projectId: number, contents: string[]) {
      const document = await addDocument(projectId);
      const ids = (await store.chunks.indexDocument({
        documentId: document.id,
        chunks: contents.map((content, index) => chunk(index, content)),
        pageCount: null,
        wordCount: 1,
        parsedMetadata: {},
      }))!;
      await store.documents.setProgress(document.id, { status: 'completed', stage: 'completed', progress: 100, errorMessage: null });
      return { document, ids };
    }
    const later = () => new Date(Date.now() + 60_000).toISOString();

    test('projects: create, unique names whatever the case, update, list, soft and hard delete, statistics', async () => {
      const project = await store.projects.create({ name: `Alpha ${randomUUID()}`, description: 'd', settings: { top_k: 3 } });
      expect(project).toMatchObject({
        description: 'd',
        settings: { top_k: 3 },
        documentCount: 0,
        chatCount: 0,
        totalChunks: 0,
        deletedAt: null,
      });
      await expect(store.projects.create({ name: project.name.toUpperCase(), description: null, settings: {} })).rejects.toBeInstanceOf(
        ConflictError,
      );
      const updated = await store.projects.update(project.id, { description: null, settings: { top_k: 5 } });
      expect(updated).toMatchObject({ name: project.name, description: null, settings: { top_k: 5 } });
      expect((await store.projects.list({ skip: 0, limit: 1000, includeDeleted: false })).map((p) => p.id)).toContain(project.id);
      await indexed(project.id, ['one', 'two']);
      await store.chats.create({ projectId: project.id, title: 't', titleIsCustom: false });
      expect(await store.projects.statistics(project.id)).toEqual({
        documentCount: 1,
        totalChunks: 2,
        totalSizeBytes: 10,
        chatCount: 1,
        messageCount: 0,
      });
      expect(await store.projects.softDelete(project.id)).toBe(true);
      expect(await store.projects.findById(project.id)).toBeUndefined();
      expect((await store.projects.findById(project.id, { includeDeleted: true }))?.deletedAt).not.toBeNull();
      // The name is free again once the project is deleted.
      const again = await store.projects.create({ name: project.name, description: null, settings: {} });
      expect(await store.projects.hardDelete(project.id)).toBe(true);
      expect(await store.projects.findById(project.id, { includeDeleted: true })).toBeUndefined();
      expect(await store.projects.hardDelete(project.id)).toBe(false);
      await expect(store.projects.update(again.id, { name: again.name.toLowerCase() })).resolves.toMatchObject({ id: again.id });
    });

    test('chats and messages: counters, search by title or content, recent window, interrupt streaming', async () => {
      const project = await newProject();
      const chat = await store.chats.create({ projectId: project.id, title: 'Budget 100%', titleIsCustom: false });
      expect(chat).toMatchObject({ projectId: project.id, titleIsCustom: false, messageCount: 0 });
      const first = await store.messages.create({ chatId: chat.id, role: 'user', content: 'Where are the Invoices?', status: 'complete' });
      const second = await store.messages.create({ chatId: chat.id, role: 'assistant', content: '', status: 'streaming', modelName: 'm' });
      await store.messages.update(second.id, { content: 'Here.', sources: [{ id: 's', content: 'c', metadata: {}, score: 1 } as never] });
      expect(await store.messages.findById(second.id)).toMatchObject({
        content: 'Here.',
        status: 'streaming',
        modelName: 'm',
        sources: [{ id: 's' }],
      });
      expect((await store.chats.findById(chat.id))?.messageCount).toBe(2);
      expect((await store.chats.search({ projectId: project.id, query: 'invoices', limit: 5 })).map((c) => c.id)).toEqual([chat.id]);
      expect((await store.chats.search({ projectId: project.id, query: '100%', limit: 5 })).map((c) => c.id)).toEqual([chat.id]);
      expect(await store.chats.search({ projectId: project.id, query: '1_0', limit: 5 })).toEqual([]);
      // The hit carries the matching message's text (only the title matched: no match).
      expect((await store.chats.search({ projectId: project.id, query: 'INVOICES', limit: 5 }))[0]?.match).toEqual({
        text: 'Where are the Invoices?',
        cutBefore: false,
        cutAfter: false,
      });
      expect((await store.chats.search({ projectId: project.id, query: 'budget', limit: 5 }))[0]?.match).toBeNull();
      const long = `${'alpha '.repeat(100)}needle here${' omega'.repeat(100)}`;
      const elsewhere = await newProject();
      const other = await store.chats.create({ projectId: elsewhere.id, title: 'Other', titleIsCustom: false });
      await store.messages.create({ chatId: other.id, role: 'user', content: long, status: 'complete' });
      const window = (await store.chats.search({ projectId: elsewhere.id, query: 'Needle', limit: 5 }))[0]?.match;
      expect(window).toMatchObject({ cutBefore: true, cutAfter: true });
      expect(window?.text).toBe(long.slice(600 - 80, 600 - 80 + 240));
      expect((await store.messages.listRecent({ chatId: chat.id, beforeId: second.id, limit: 5 })).map((m) => m.id)).toEqual([first.id]);
      expect((await store.messages.listByChat(chat.id)).map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(await store.messages.interruptStreaming()).toBeGreaterThanOrEqual(1);
      expect((await store.messages.findById(second.id))?.status).toBe('interrupted');
      expect(await store.chats.update(chat.id, { title: 'Named', titleIsCustom: true })).toMatchObject({
        title: 'Named',
        titleIsCustom: true,
      });
      expect((await store.chats.listByProject({ projectId: project.id, skip: 0, limit: 10 })).map((c) => c.id)).toEqual([chat.id]);
      expect(await store.chats.softDelete(chat.id)).toBe(true);
      expect(await store.chats.findById(chat.id)).toBeUndefined();
    });

    test('settings: merged key by key, also when written concurrently', async () => {
      const prefix = randomUUID();
      await store.settings.setMany({ [`${prefix}.a`]: 1, [`${prefix}.b`]: { nested: true } });
      await Promise.all(Array.from({ length: 10 }, (_, index) => store.settings.setMany({ [`${prefix}.k${index}`]: index })));
      await store.settings.setMany({ [`${prefix}.a`]: 2 });
      const all = await store.settings.getAll();
      expect(all[`${prefix}.a`]).toBe(2);
      expect(all[`${prefix}.b`]).toEqual({ nested: true });
      for (let index = 0; index < 10; index += 1) expect(all[`${prefix}.k${index}`]).toBe(index);
      // A check across keys sees the stored values with the new ones, inside the write; throwing writes nothing.
      let checked: Record<string, unknown> = {};
      await store.settings.setMany({ [`${prefix}.a`]: 3 }, (merged) => void (checked = merged));
      expect(checked).toMatchObject({ [`${prefix}.a`]: 3, [`${prefix}.k9`]: 9 });
      await expect(
        store.settings.setMany({ [`${prefix}.a`]: 4 }, () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect((await store.settings.getAll())[`${prefix}.a`]).toBe(3);
    });

    test('project settings: concurrent merges from two stores on the same data lose nothing; verify sees the merge', async () => {
      const other = (await subject!.openAnother?.()) ?? store;
      try {
        const project = await store.projects.create({ name: `merge-${randomUUID()}`, description: null, settings: { keep: 1, drop: 2 } });
        const seen: Array<Record<string, unknown>> = [];
        await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            (index % 2 === 0 ? store : other).projects.update(project.id, {
              settings: { [`k${index}`]: index, ...(index === 7 ? { drop: null } : {}) },
              verify: (merged) => void seen.push(merged),
            }),
          ),
        );
        const merged = (await store.projects.findById(project.id))!.settings;
        expect(merged).toEqual({ keep: 1, ...Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`k${index}`, index])) });
        // Each merge saw the keys of every merge that ran before it, plus its own.
        expect(seen).toHaveLength(20);
        expect(seen.map((settings) => Object.keys(settings).filter((key) => /^k\d+$/.test(key)).length).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, index) => index + 1),
        );
        // A verify that throws writes nothing (name and settings alike).
        await expect(
          other.projects.update(project.id, {
            name: 'never',
            settings: { k0: 'bad' },
            verify: () => {
              throw new Error('refused');
            },
          }),
        ).rejects.toThrow('refused');
        expect(await store.projects.findById(project.id)).toMatchObject({ name: project.name, settings: { k0: 0 } });
      } finally {
        if (other !== store) await other.close();
      }
    });

    test('documents: duplicate content refused, progress, metadata search, failure clears the index, delete', async () => {
      const project = await newProject();
      const document = await addDocument(project.id, `hash-${randomUUID()}`);
      expect(document).toMatchObject({ status: 'pending', stage: 'queued', progress: 0, fileSize: 10, chunkCount: 0 });
      await expect(addDocument(project.id, document.contentHash!)).rejects.toMatchObject({ existingId: document.id });
      await expect(addDocument(project.id, document.contentHash!)).rejects.toBeInstanceOf(DuplicateDocumentError);
      expect((await store.documents.findByHash(project.id, document.contentHash!))?.id).toBe(document.id);
      expect(
        await store.documents.setProgress(document.id, { status: 'processing', stage: 'parsing', progress: 10.4, errorMessage: 'x' }),
      ).toBe(true);
      expect(await store.documents.findById(document.id)).toMatchObject({ progress: 10, errorMessage: 'x' });
      await store.documents.setProgress(document.id, { status: 'processing', stage: 'chunking', progress: 20 });
      expect((await store.documents.findById(document.id))?.errorMessage).toBe('x');
      await store.documents.setProgress(document.id, { status: 'processing', stage: 'chunking', progress: 30, errorMessage: null });
      expect((await store.documents.findById(document.id))?.errorMessage).toBeNull();
      expect((await store.documents.listUnfinished()).map((d) => d.id)).toContain(document.id);
      await store.documents.update(document.id, { filename: 'Report.txt', docMetadata: { owner: 'Finance' } });
      expect((await store.documents.search({ projectId: project.id, query: 'finance', limit: 5 })).map((d) => d.id)).toEqual([document.id]);
      expect((await store.documents.list({ projectId: project.id, status: 'processing', skip: 0, limit: 5 })).map((d) => d.id)).toEqual([
        document.id,
      ]);
      await store.chunks.indexDocument({
        documentId: document.id,
        chunks: [chunk(0, 'quarterly revenue')],
        pageCount: 1,
        wordCount: 2,
        parsedMetadata: { title: 'Q' },
      });
      expect(await store.documents.markFailed(document.id, 'broken')).toBe(true);
      expect(await store.documents.findById(document.id)).toMatchObject({
        status: 'failed',
        stage: 'failed',
        errorMessage: 'broken',
        chunkCount: 0,
      });
      expect(await store.chunks.searchFullText({ projectId: project.id, query: 'revenue', limit: 5 })).toEqual([]);
      expect(await store.documents.listStoredNames(project.id)).toEqual([document.storedName]);
      expect((await store.documents.delete(document.id))?.id).toBe(document.id);
      expect(await store.documents.findById(document.id)).toBeUndefined();
      expect(await store.documents.markFailed(document.id, 'gone')).toBe(false);
    });

    test('chunks: reindexing replaces, BM25 ranks rarer and repeated terms first, stems, confined to the project', async () => {
      const project = await newProject();
      const other = await newProject();
      const { document, ids } = await indexed(project.id, [
        'The orchard grows apples and pears.',
        'Apples, apples everywhere: apple pie, apple juice.',
        'A note about the weather today.',
        'Running runners ran a marathon.',
      ]);
      await indexed(other.id, ['apples from another project']);
      const hits = await store.chunks.searchFullText({ projectId: project.id, query: 'Which apples?', limit: 10 });
      expect(hits.map((hit) => hit.chunkId)).toEqual([ids[1], ids[0]]);
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
      expect(hits[1]!.score).toBeGreaterThan(0);
      expect((await store.chunks.searchFullText({ projectId: project.id, query: 'run', limit: 10 })).map((hit) => hit.chunkId)).toEqual([
        ids[3],
      ]);
      // Query syntax in user text is just words.
      expect(await store.chunks.searchFullText({ projectId: project.id, query: 'NEAR(" OR * : & | !', limit: 10 })).toEqual([]);
      expect(await store.chunks.searchFullText({ projectId: project.id, query: '?!', limit: 10 })).toEqual([]);
      const found = await store.chunks.findByIds(project.id, [ids[2]!, ids[0]!, 999_999]);
      expect(found.map((c) => [c.id, c.chunkIndex, c.filename])).toEqual([
        [ids[2], 2, document.filename],
        [ids[0], 0, document.filename],
      ]);
      expect(await store.chunks.countByProject(project.id)).toBe(4);
      const again = (await store.chunks.indexDocument({
        documentId: document.id,
        chunks: [chunk(0, 'bananas only')],
        pageCount: null,
        wordCount: 2,
        parsedMetadata: {},
      }))!;
      expect(await store.chunks.searchFullText({ projectId: project.id, query: 'apples', limit: 10 })).toEqual([]);
      expect((await store.chunks.searchFullText({ projectId: project.id, query: 'banana', limit: 10 })).map((hit) => hit.chunkId)).toEqual(
        again,
      );
      expect(
        await store.chunks.indexDocument({
          documentId: 999_999,
          chunks: [chunk(0, 'x')],
          pageCount: null,
          wordCount: 1,
          parsedMetadata: {},
        }),
      ).toBeUndefined();
    });

    test('jobs: one claim per job, never two of one document at once, even when claimed concurrently', async () => {
      const project = await newProject();
      const documents = await Promise.all(Array.from({ length: 4 }, () => addDocument(project.id)));
      for (const document of documents) {
        expect(await store.jobs.enqueue({ kind: 'parse', projectId: project.id, documentId: document.id })).toBe(true);
        expect(await store.jobs.enqueue({ kind: 'parse', projectId: project.id, documentId: document.id })).toBe(false);
      }
      const at = later();
      const first = await Promise.all(Array.from({ length: 8 }, (_, index) => store.jobs.claim({ workerId: `w${index}`, now: at })));
      const claimed = first.filter((job) => job !== undefined);
      expect(claimed.map((job) => job.documentId).sort()).toEqual(documents.map((d) => d.id).sort());
      expect(claimed.every((job) => job.status === 'running' && job.attempts === 1)).toBe(true);
      // A second job of each document (a reprocess) waits while the first runs, even under a claim race.
      for (const document of documents) await store.jobs.enqueue({ kind: 'parse', projectId: project.id, documentId: document.id });
      const racing = await Promise.all(Array.from({ length: 8 }, (_, index) => store.jobs.claim({ workerId: `r${index}`, now: at })));
      expect(racing.filter((job) => job?.projectId === project.id)).toEqual([]);
      expect((await store.jobs.findRunning(documents[0]!.id))?.lockedBy).toBe(
        claimed.find((job) => job.documentId === documents[0]!.id)!.lockedBy,
      );
      expect(await store.jobs.hasPending({ kind: 'parse', projectId: project.id })).toBe(true);
      for (const job of claimed) await store.jobs.complete(job.id);
      const next = await Promise.all(Array.from({ length: 8 }, (_, index) => store.jobs.claim({ workerId: `n${index}`, now: at })));
      const mine = next.filter((job) => job?.projectId === project.id);
      expect(mine).toHaveLength(4);
      for (const job of mine) await store.jobs.complete(job!.id);
    });

    test('jobs: leases expire in SQL, dead holders give their jobs back, retries wait for run_after', async () => {
      const project = await newProject();
      const document = await addDocument(project.id);
      await store.jobs.enqueue({ kind: 'parse', projectId: project.id, documentId: document.id });
      const holder = `host:1:${randomUUID()}`;
      const job = (await store.jobs.claim({ workerId: holder, now: later() }))!;
      expect(job).toMatchObject({ documentId: document.id, lockedBy: holder });
      expect(await store.jobs.runningHolders()).toContain(holder);
      // Renewed lease: not taken over.
      await store.jobs.heartbeat({ workerId: holder, now: new Date(Date.now() + 120_000).toISOString() });
      expect(await store.jobs.requeueAbandoned({ lockedBefore: new Date(Date.now() + 90_000).toISOString(), deadHolders: [] })).toBe(0);
      // Lease older than the cutoff: back in the queue, and a twin queued meanwhile collapses into it.
      await store.jobs.enqueue({ kind: 'parse', projectId: project.id, documentId: document.id });
      expect(
        await store.jobs.requeueAbandoned({ lockedBefore: new Date(Date.now() + 180_000).toISOString(), deadHolders: [] }),
      ).toBeGreaterThanOrEqual(1);
      expect(await store.jobs.runningHolders()).not.toContain(holder);
      const taken = (await store.jobs.claim({ workerId: 'survivor', now: later() }))!;
      expect(taken).toMatchObject({ documentId: document.id, attempts: 2 });
      expect(await store.jobs.claim({ workerId: 'another', now: later() })).toBeUndefined();
      // A holder known dead loses its job at once.
      expect(await store.jobs.requeueAbandoned({ lockedBefore: new Date(0).toISOString(), deadHolders: ['survivor'] })).toBe(1);
      const retried = (await store.jobs.claim({ workerId: 'w', now: later() }))!;
      const runAfter = new Date(Date.now() + 600_000).toISOString();
      await store.jobs.retry(retried.id, { runAfter, error: 'HTTP 500' });
      expect(await store.jobs.claim({ workerId: 'w', now: later() })).toBeUndefined();
      expect(await store.jobs.hasPending({ kind: 'parse', documentId: document.id })).toBe(true);
      const due = (await store.jobs.claim({ workerId: 'w', now: runAfter }))!;
      expect(due).toMatchObject({ id: retried.id, attempts: 4, lastError: 'HTTP 500' });
      await store.jobs.fail(due.id, 'gave up');
      expect(await store.jobs.hasPending({ kind: 'parse', documentId: document.id })).toBe(false);
      expect(await store.jobs.enqueue({ kind: 'embed', projectId: project.id })).toBe(true);
      expect(await store.jobs.enqueue({ kind: 'embed', projectId: project.id })).toBe(false);
      expect(await store.jobs.nextDue()).toBeDefined();
    });

    test('vectors: index versions, exact-enough cosine KNN per version, activation retires and frees, backlog', async () => {
      const project = await newProject();
      const { document, ids } = await indexed(project.id, ['north', 'east', 'south', 'north-east']);
      const first = await store.vectors.createIndex({
        projectId: project.id,
        provider: 'ollama',
        model: 'm1',
        dimensions: 3,
        status: 'active',
      });
      expect((await store.vectors.activeIndex(project.id))?.id).toBe(first.id);
      expect((await store.chunks.listMissingVectors({ projectId: project.id, indexId: first.id, limit: 10 })).map((c) => c.id)).toEqual(
        ids,
      );
      const embeddings = [
        [0, 1, 0],
        [1, 0, 0],
        [0, -1, 0],
        [1, 1, 0],
      ];
      expect(
        await store.vectors.insert({
          indexId: first.id,
          items: [...ids, 999_999].map((chunkId, i) => ({ chunkId, embedding: embeddings[i] ?? [1, 0, 0] })),
        }),
      ).toBe(4);
      expect(await store.vectors.countVectors(first.id)).toBe(4);
      expect(await store.chunks.listMissingVectors({ projectId: project.id, indexId: first.id, limit: 10 })).toEqual([]);
      expect((await store.documents.findById(document.id))?.embeddingModel).toBe('m1');
      const hits = await store.vectors.search({ indexId: first.id, embedding: [0.1, 1, 0], limit: 3 });
      expect(hits.map((hit) => hit.chunkId)).toEqual([ids[0], ids[3], ids[1]]);
      expect(hits[0]!.distance).toBeCloseTo(1 - 1 / Math.sqrt(1.01), 4);
      expect((await store.vectors.search({ indexId: first.id, embedding: [0, -1, 0], limit: 1 }))[0]).toMatchObject({ chunkId: ids[2] });
      expect((await store.vectors.search({ indexId: first.id, embedding: [0, -1, 0], limit: 4 }))[3]!.distance).toBeCloseTo(2, 4);
      const second = await store.vectors.createIndex({
        projectId: project.id,
        provider: 'ollama',
        model: 'm2',
        dimensions: 2,
        status: 'building',
      });
      expect(await store.vectors.findIndex({ projectId: project.id, provider: 'ollama', model: 'm2' })).toMatchObject({
        id: second.id,
        status: 'building',
      });
      await store.vectors.insert({ indexId: second.id, items: [{ chunkId: ids[0]!, embedding: [1, 0] }] });
      await store.vectors.activate(second.id);
      expect((await store.vectors.listIndexes(project.id)).map((index) => [index.id, index.status])).toEqual([
        [first.id, 'retired'],
        [second.id, 'active'],
      ]);
      expect(await store.vectors.countVectors(first.id)).toBe(0);
      expect(await store.vectors.search({ indexId: first.id, embedding: [0, 1, 0], limit: 3 })).toEqual([]);
      // Reindexing a document drops its old chunks' vectors.
      await store.chunks.indexDocument({
        documentId: document.id,
        chunks: [chunk(0, 'again')],
        pageCount: null,
        wordCount: 1,
        parsedMetadata: {},
      });
      expect(await store.vectors.countVectors(second.id)).toBe(0);
      await store.projects.hardDelete(project.id);
      expect(await store.vectors.dropOrphanStorage()).toBe(1);
      expect(await store.vectors.dropOrphanStorage()).toBe(0);
    });

    test('chunks: a document is indexed whole with its analyzed terms and vectors, or not at all', async () => {
      const project = await newProject();
      const index = await store.vectors.createIndex({
        projectId: project.id,
        provider: 'ollama',
        model: 'm1',
        dimensions: 3,
        status: 'active',
      });
      const document = await addDocument(project.id);
      const contents = ['Orchards need bees', 'Lighthouses guide ships'];
      const ids = (await store.chunks.indexDocument({
        documentId: document.id,
        // Terms as a parse worker analyzes them: the store indexes them as they are.
        chunks: contents.map((content, position) => ({ ...chunk(position, content), terms: analyzedText(content) })),
        pageCount: null,
        wordCount: 6,
        parsedMetadata: {},
        vectors: { indexId: index.id, embeddings: [new Float32Array([1, 0, 0]), new Float32Array([0, 1, 0])] },
      }))!;
      expect(ids).toHaveLength(2);
      expect(
        (await store.chunks.searchFullText({ projectId: project.id, query: 'orchard bee', limit: 5 })).map((hit) => hit.chunkId),
      ).toEqual([ids[0]]);
      expect((await store.vectors.search({ indexId: index.id, embedding: [0, 1, 0], limit: 1 }))[0]!.chunkId).toBe(ids[1]);
      expect(await store.vectors.countVectors(index.id)).toBe(2);
      expect((await store.documents.findById(document.id))?.embeddingModel).toBe('m1');
      expect(await store.chunks.listMissingVectors({ projectId: project.id, indexId: index.id, limit: 10 })).toEqual([]);

      // A write that fails part-way (one vector short) writes none of the new chunks (SQLite has already
      // purged the old ones in pages before the transaction; PostgreSQL keeps them) …
      await expect(
        store.chunks.indexDocument({
          documentId: document.id,
          chunks: [chunk(0, 'Granite valleys'), chunk(1, 'Copper lanterns')],
          pageCount: null,
          wordCount: 4,
          parsedMetadata: {},
          vectors: { indexId: index.id, embeddings: [new Float32Array([1, 0, 0])] },
        }),
      ).rejects.toThrow();
      expect(await store.chunks.searchFullText({ projectId: project.id, query: 'granite', limit: 5 })).toEqual([]);
      expect(await store.chunks.searchFullText({ projectId: project.id, query: 'copper', limit: 5 })).toEqual([]);
      expect(await store.vectors.countVectors(index.id)).toBeLessThanOrEqual(2);
      // … and a new document with nothing.
      const other = await addDocument(project.id);
      await expect(
        store.chunks.indexDocument({
          documentId: other.id,
          chunks: [chunk(0, 'Granite valleys')],
          pageCount: null,
          wordCount: 2,
          parsedMetadata: {},
          vectors: { indexId: index.id, embeddings: [] },
        }),
      ).rejects.toThrow();
      expect(await store.chunks.searchFullText({ projectId: project.id, query: 'granite', limit: 5 })).toEqual([]);
      expect((await store.documents.findById(other.id))?.chunkCount).toBe(0);
      expect(await store.vectors.countVectors(index.id)).toBeLessThanOrEqual(2);
    });

    test('vectors: two jobs creating the first index of one embedder at once get the same version', async () => {
      const project = await newProject();
      const created = await Promise.all(
        Array.from({ length: 4 }, () =>
          store.vectors.createIndex({ projectId: project.id, provider: 'ollama', model: 'same', dimensions: 4, status: 'active' }),
        ),
      );
      expect(new Set(created.map((index) => index.id)).size).toBe(1);
      expect((await store.vectors.listIndexes(project.id)).map((index) => index.status)).toEqual(['active']);
    });

    test('archive: pages a project and imports it whole', async () => {
      const project = await newProject();
      const { document, ids } = await indexed(project.id, ['alpha text', 'beta text']);
      const index = await store.vectors.createIndex({
        projectId: project.id,
        provider: 'ollama',
        model: 'm',
        dimensions: 2,
        status: 'active',
      });
      await store.vectors.insert({ indexId: index.id, items: [{ chunkId: ids[1]!, embedding: [0.5, 0.25] }] });
      const chat = await store.chats.create({ projectId: project.id, title: 'c', titleIsCustom: true });
      await store.messages.create({ chatId: chat.id, role: 'user', content: 'hi', status: 'complete' });
      expect((await store.archive.pageDocuments({ projectId: project.id, afterId: 0, limit: 10 })).map((d) => d.id)).toEqual([document.id]);
      expect((await store.archive.pageChunks({ projectId: project.id, afterId: ids[0]!, limit: 10 })).map((c) => c.id)).toEqual([ids[1]]);
      const vectors = await store.archive.pageVectors({ indexId: index.id, afterChunkId: 0, limit: 10 });
      expect(vectors.map((v) => [v.chunkId, v.documentId, v.chunkIndex, Array.from(v.embedding)])).toEqual([
        [ids[1], document.id, 1, [0.5, 0.25]],
      ]);
      expect((await store.archive.pageChats({ projectId: project.id, afterId: 0, limit: 10 })).map((c) => c.messageCount)).toEqual([1]);
      expect((await store.archive.pageMessages({ projectId: project.id, afterId: 0, limit: 10 })).map((m) => m.content)).toEqual(['hi']);

      const timestamp = new Date().toISOString();
      const input = {
        project: { name: project.name, description: 'imported', settings: { a: 1 }, onNameClash: 'suffix' as const },
        documents: [
          {
            ref: 7,
            filename: 'x.txt',
            fileType: 'txt' as const,
            mimeType: 'text/plain',
            fileSize: 3,
            storedName: `${randomUUID()}.txt`,
            contentHash: 'h1',
            status: 'completed' as const,
            errorMessage: null,
            pageCount: null,
            wordCount: 2,
            docMetadata: null,
            parsedMetadata: null,
            createdAt: timestamp,
            updatedAt: timestamp,
          },
          {
            ref: 8,
            filename: 'y.txt',
            fileType: 'txt' as const,
            mimeType: 'text/plain',
            fileSize: 3,
            storedName: `${randomUUID()}.txt`,
            contentHash: 'h2',
            status: 'pending' as const,
            errorMessage: null,
            pageCount: null,
            wordCount: null,
            docMetadata: null,
            parsedMetadata: null,
            createdAt: timestamp,
            updatedAt: timestamp,
          },
        ],
        chunks: [
          { documentRef: 7, ...chunk(0, 'imported zebra words') },
          { documentRef: 7, ...chunk(1, 'more words') },
        ],
        vectorIndex: {
          provider: 'ollama',
          model: 'm',
          dimensions: 2,
          vectors: [{ documentRef: 7, chunkIndex: 0, embedding: new Float32Array([1, 0]) }],
        },
        chats: [{ ref: 3, title: 'old chat', titleIsCustom: true, model: 'llama3.2', createdAt: timestamp, updatedAt: timestamp }],
        messages: (imported: { chunkId(documentRef: number, chunkIndex: number): number | undefined }) => [
          {
            ref: 40,
            parentRef: null,
            active: true,
            feedback: null,
            chatRef: 3,
            role: 'user' as const,
            content: 'which words?',
            sources: null,
            modelName: null,
            status: 'complete' as const,
            error: null,
            createdAt: timestamp,
            updatedAt: timestamp,
          },
          {
            ref: 41,
            parentRef: 40,
            active: false,
            feedback: 'down' as const,
            chatRef: 3,
            role: 'assistant' as const,
            content: 'an older version',
            sources: null,
            modelName: null,
            status: 'complete' as const,
            error: null,
            createdAt: timestamp,
            updatedAt: timestamp,
          },
          {
            ref: 42,
            parentRef: 40,
            active: true,
            feedback: 'up' as const,
            chatRef: 3,
            role: 'assistant' as const,
            content: `see ${imported.chunkId(7, 1)}`,
            sources: null,
            modelName: null,
            status: 'complete' as const,
            error: null,
            createdAt: timestamp,
            updatedAt: timestamp,
          },
        ],
      };
      const result = await store.archive.importProject(input);
      expect(result).toMatchObject({ documents: 2, chunks: 2, vectors: 1, chats: 1, messages: 3 });
      expect(result.pendingDocumentIds).toHaveLength(1);
      const imported = (await store.projects.findById(result.projectId))!;
      expect(imported.name).toBe(`${project.name} (2)`);
      const hits = await store.chunks.searchFullText({ projectId: result.projectId, query: 'zebra', limit: 5 });
      expect(hits).toHaveLength(1);
      const active = (await store.vectors.activeIndex(result.projectId))!;
      expect((await store.vectors.search({ indexId: active.id, embedding: [1, 0], limit: 1 })).map((hit) => hit.chunkId)).toEqual([
        hits[0]!.chunkId,
      ]);
      const [question, older, message] = await store.archive.pageMessages({ projectId: result.projectId, afterId: 0, limit: 10 });
      const [, secondChunk] = await store.archive.pageChunks({ projectId: result.projectId, afterId: 0, limit: 10 });
      expect(message!.content).toBe(`see ${secondChunk!.id}`);
      // The tree, the shown version and the feedback come through with new ids; so does the chat's model.
      expect(question).toMatchObject({ parentId: null, active: true, feedback: null });
      expect(older).toMatchObject({ parentId: question!.id, active: false, feedback: 'down' });
      expect(message).toMatchObject({ parentId: question!.id, active: true, feedback: 'up' });
      const [importedChat] = await store.archive.pageChats({ projectId: result.projectId, afterId: 0, limit: 10 });
      expect(importedChat?.model).toBe('llama3.2');
      // Refused on a clash: nothing of it is written.
      const before = (await store.projects.list({ skip: 0, limit: 10_000, includeDeleted: true })).length;
      await expect(store.archive.importProject({ ...input, project: { ...input.project, onNameClash: 'refuse' } })).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect((await store.projects.list({ skip: 0, limit: 10_000, includeDeleted: true })).length).toBe(before);
    });

    test('archive: an import in short batches is invisible until revealed; a failure part-way leaves nothing behind', async () => {
      const timestamp = new Date().toISOString();
      const name = `batched-${randomUUID()}`;
      const document = {
        ref: 1,
        filename: 'big.txt',
        fileType: 'txt' as const,
        mimeType: 'text/plain',
        fileSize: 3,
        storedName: `${randomUUID()}.txt`,
        contentHash: 'h',
        status: 'completed' as const,
        errorMessage: null,
        pageCount: null,
        wordCount: 2,
        docMetadata: null,
        parsedMetadata: null,
        createdAt: timestamp,
        updatedAt: timestamp,
      };
      const input = (messages: () => Iterable<never>) => ({
        project: { name, description: null, settings: {}, onNameClash: 'refuse' as const },
        documents: [document],
        // Many more rows than one batch holds.
        chunks: Array.from({ length: 2_000 }, (_, index) => ({ documentRef: 1, ...chunk(index, `row ${index} of a big import`) })),
        chats: [{ ref: 1, title: 'c', titleIsCustom: true, model: null, createdAt: timestamp, updatedAt: timestamp }],
        messages,
      });
      const visible = async () =>
        (await store.projects.list({ skip: 0, limit: 10_000, includeDeleted: true })).some((p) => p.name === name);
      const before = (await store.projects.list({ skip: 0, limit: 10_000, includeDeleted: true })).length;

      // 1. Fails after the documents, chunks and chats are written: none of it stays, nothing was ever listed.
      await expect(
        store.archive.importProject(
          input(() => {
            throw new Error('archive cut short');
          }),
        ),
      ).rejects.toThrow('archive cut short');
      expect(await visible()).toBe(false);
      expect((await store.projects.list({ skip: 0, limit: 10_000, includeDeleted: true })).length).toBe(before);
      expect(await store.archive.unfinishedImports()).toEqual([]);

      // 2. Succeeds: watched all along, the project appears only once the import has returned.
      let done = false;
      let seenEarly = false;
      const watcher = (async () => {
        while (!done) {
          if (await visible()) seenEarly ||= !done;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      const result = await store.archive.importProject(input(() => []));
      done = true;
      await watcher;
      expect(seenEarly).toBe(false);
      expect(result).toMatchObject({ documents: 1, chunks: 2_000, chats: 1, messages: 0 });
      expect(await visible()).toBe(true);
      expect((await store.projects.statistics(result.projectId)).totalChunks).toBe(2_000);
    });

    test('accounts: users (email unique whatever the case), credentials by hash with expiry, memberships and member-only project lists', async () => {
      const email = `U-${randomUUID()}@example.test`;
      const user = await store.users.create({ email, name: 'U', role: 'user', passwordHash: 'scrypt$x' });
      expect(user).toMatchObject({ email, name: 'U', role: 'user', disabled: false });
      await expect(store.users.create({ email: email.toLowerCase(), name: null, role: 'user', passwordHash: 'h' })).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect((await store.users.findByEmailWithSecret(email.toUpperCase()))?.passwordHash).toBe('scrypt$x');
      expect(await store.users.update(user.id, { disabled: true, name: null })).toMatchObject({ disabled: true, name: null, role: 'user' });
      expect((await store.users.findByIdWithSecret(user.id))?.passwordHash).toBe('scrypt$x');
      const admins = await store.users.countActiveAdmins();
      const admin = await store.users.create({ email: `a-${randomUUID()}@example.test`, name: null, role: 'admin', passwordHash: 'h' });
      expect(await store.users.countActiveAdmins()).toBe(admins + 1);
      expect((await store.users.list()).map((u) => u.id)).toEqual(expect.arrayContaining([user.id, admin.id]));

      const past = new Date(Date.now() - 1000).toISOString();
      const session = await store.credentials.create({
        userId: user.id,
        kind: 'session',
        name: null,
        tokenHash: `s-${randomUUID()}`,
        expiresAt: later(),
      });
      const hash = `k-${randomUUID()}`;
      const key = await store.credentials.create({ userId: user.id, kind: 'api_key', name: 'k', tokenHash: hash, expiresAt: null });
      const expiredHash = `e-${randomUUID()}`;
      await store.credentials.create({ userId: user.id, kind: 'session', name: null, tokenHash: expiredHash, expiresAt: past });
      expect((await store.credentials.findLiveByHash(hash, new Date().toISOString()))?.id).toBe(key.id);
      expect(await store.credentials.findLiveByHash(expiredHash, new Date().toISOString())).toBeUndefined();
      expect(await store.credentials.delete(admin.id, key.id)).toBe(false);
      await store.credentials.touch(key.id, past);
      expect((await store.credentials.listByUser(user.id, 'api_key')).map((c) => [c.id, c.lastUsedAt])).toEqual([[key.id, past]]);
      const removed = await store.credentials.deleteByUser(user.id, 'session', session.id);
      expect(removed).toHaveLength(1);
      expect((await store.credentials.listByUser(user.id, 'session')).map((c) => c.id)).toEqual([session.id]);

      const project = await newProject();
      await newProject();
      await store.members.set(project.id, user.id, 'viewer');
      await store.members.set(project.id, user.id, 'owner');
      expect(await store.members.roleOf(project.id, user.id)).toBe('owner');
      expect(await store.members.countOwners(project.id)).toBe(1);
      expect(await store.members.list(project.id)).toEqual([{ projectId: project.id, userId: user.id, role: 'owner', email, name: null }]);
      expect(await store.members.userIds(project.id)).toEqual([user.id]);
      expect((await store.projects.list({ skip: 0, limit: 1000, includeDeleted: false, memberUserId: user.id })).map((p) => p.id)).toEqual([
        project.id,
      ]);
      expect(await store.members.remove(project.id, user.id)).toBe(true);
      expect(await store.projects.list({ skip: 0, limit: 1000, includeDeleted: true, memberUserId: user.id })).toEqual([]);
      expect(await store.users.delete(user.id)).toBe(true);
      expect(await store.credentials.findLiveByHash(hash, new Date().toISOString())).toBeUndefined();
    });

    test('chats and messages: creator filter, per-chat model, answer versions, streaming recovery one by one', async () => {
      const project = await newProject();
      const user = await store.users.create({ email: `c-${randomUUID()}@example.test`, name: null, role: 'user', passwordHash: 'h' });
      const mine = await store.chats.create({ projectId: project.id, title: 'mine', titleIsCustom: false, createdBy: user.id });
      const shared = await store.chats.create({ projectId: project.id, title: 'shared', titleIsCustom: false });
      expect(mine).toMatchObject({ createdBy: user.id, model: null });
      const ids = async (createdBy?: number | null) =>
        (await store.chats.listByProject({ projectId: project.id, skip: 0, limit: 10, createdBy })).map((c) => c.id).sort();
      expect(await ids(user.id)).toEqual([mine.id]);
      expect(await ids(null)).toEqual([shared.id]);
      expect(await ids()).toEqual([mine.id, shared.id].sort());
      expect((await store.chats.search({ projectId: project.id, query: 'ine', limit: 10, createdBy: null })).map((c) => c.id)).toEqual([]);
      expect((await store.chats.update(mine.id, { model: 'llama3' }))?.model).toBe('llama3');
      expect(await store.chats.update(mine.id, { title: 'renamed' })).toMatchObject({ title: 'renamed', model: 'llama3' });
      expect((await store.chats.update(mine.id, { model: null }))?.model).toBeNull();

      const question = await store.messages.create({ chatId: mine.id, role: 'user', content: 'q', status: 'complete' });
      const first = await store.messages.create({
        chatId: mine.id,
        role: 'assistant',
        content: 'a1',
        status: 'complete',
        parentId: question.id,
      });
      expect(first).toMatchObject({ parentId: question.id, active: true });
      const second = await store.messages.create({
        chatId: mine.id,
        role: 'assistant',
        content: 'a2',
        status: 'streaming',
        parentId: question.id,
      });
      await store.messages.activateVersion(second.id);
      const active = async () => (await store.messages.listByChat(mine.id)).filter((m) => m.active).map((m) => m.id);
      expect(await active()).toEqual([question.id, second.id]);
      await store.messages.activateVersion(first.id);
      expect(await active()).toEqual([question.id, first.id]);

      // The tree: an edited first question is a second root; activating one root deactivates the other,
      // and leaves the active flags below each root alone.
      const edited = await store.messages.create({
        chatId: mine.id,
        role: 'user',
        content: 'q edited',
        status: 'complete',
        parentId: null,
      });
      await store.messages.activateVersion(edited.id);
      expect(await active()).toEqual([first.id, edited.id]);
      await store.messages.activateVersion(question.id);
      expect(await active()).toEqual([question.id, first.id]);
      // A follow-up question under an answer, and a branch of it (siblings under the same answer).
      const next = await store.messages.create({ chatId: mine.id, role: 'user', content: 'n', status: 'complete', parentId: first.id });
      const branch = await store.messages.create({ chatId: mine.id, role: 'user', content: 'n2', status: 'complete', parentId: first.id });
      await store.messages.activateVersion(branch.id);
      expect(await active()).toEqual([question.id, first.id, branch.id]);
      expect((await store.messages.findById(next.id))?.active).toBe(false);
      // Another chat's rows with the same parent are untouched.
      const elsewhere = await store.messages.create({ chatId: shared.id, role: 'user', content: 'x', status: 'complete' });
      await store.messages.activateVersion(edited.id);
      expect((await store.messages.findById(elsewhere.id))?.active).toBe(true);
      await store.messages.activateVersion(question.id);

      // Feedback: set, changed, cleared.
      expect(first.feedback).toBeNull();
      await store.messages.setFeedback(first.id, 'up');
      expect((await store.messages.findById(first.id))?.feedback).toBe('up');
      await store.messages.setFeedback(first.id, 'down');
      expect((await store.messages.findById(first.id))?.feedback).toBe('down');
      await store.messages.setFeedback(first.id, null);
      expect((await store.messages.findById(first.id))?.feedback).toBeNull();

      expect((await store.messages.listStreaming()).filter((m) => m.chatId === mine.id)).toEqual([{ id: second.id, chatId: mine.id }]);
      expect(await store.messages.interruptIfStreaming(second.id)).toBe(true);
      expect(await store.messages.interruptIfStreaming(second.id)).toBe(false);
      expect((await store.messages.findById(second.id))?.status).toBe('interrupted');
      expect(await store.archive.unfinishedImports()).toEqual([]);
    });

    test('analytics: paged chunks of completed documents, chunk table search with total, vectors by chunk', async () => {
      const project = await newProject();
      const { document, ids } = await indexed(project.id, ['Alpha 100%', 'beta', 'gamma']);
      const other = await indexed(project.id, ['delta']);
      await addDocument(project.id);
      const page = await store.analytics.pageChunks({ projectId: project.id, afterId: ids[0]!, limit: 10 });
      expect(page.map((c) => c.id)).toEqual([ids[1], ids[2], other.ids[0]]);
      expect(
        (await store.analytics.pageChunks({ projectId: project.id, documentIds: [other.document.id], afterId: 0, limit: 10 })).map(
          (c) => c.id,
        ),
      ).toEqual(other.ids);
      expect(await store.analytics.pageChunks({ projectId: project.id, documentIds: [], afterId: 0, limit: 10 })).toEqual([]);
      const found = await store.analytics.searchChunks({ projectId: project.id, text: 'a 100%', skip: 0, limit: 10 });
      expect({ ids: found.chunks.map((c) => c.id), total: found.total }).toEqual({ ids: [ids[0]], total: 1 });
      const ofDocument = await store.analytics.searchChunks({ projectId: project.id, documentId: document.id, skip: 1, limit: 1 });
      expect({ ids: ofDocument.chunks.map((c) => c.id), total: ofDocument.total }).toEqual({ ids: [ids[1]], total: 3 });
      const index = await store.vectors.createIndex({
        projectId: project.id,
        provider: 'p',
        model: `m-${randomUUID()}`,
        dimensions: 2,
        status: 'active',
      });
      await store.vectors.insert({ indexId: index.id, items: [{ chunkId: ids[0]!, embedding: [0.5, 0.25] }] });
      const vectors = await store.analytics.findVectors({ indexId: index.id, chunkIds: [ids[0]!, ids[1]!] });
      expect([...vectors.keys()]).toEqual([ids[0]]);
      expect(Array.from(vectors.get(ids[0]!)!)).toEqual([0.5, 0.25]);
    });

    test('maintenance: vector storage per index, orphans of a purged project found and freed, chunk counts recounted', async () => {
      const project = await newProject();
      const { document, ids } = await indexed(project.id, ['one', 'two', 'three']);
      const index = await store.vectors.createIndex({
        projectId: project.id,
        provider: 'p',
        model: `m-${randomUUID()}`,
        dimensions: 2,
        status: 'active',
      });
      await store.vectors.insert({ indexId: index.id, items: ids.map((chunkId, position) => ({ chunkId, embedding: [position, 1] })) });
      const listed = (await store.maintenance.vectorStorage()).find((row) => row.indexId === index.id);
      expect(listed).toMatchObject({ projectId: project.id, projectName: project.name, dimensions: 2, status: 'active', vectors: 3 });
      expect(await store.maintenance.projectIds()).toContain(project.id);

      const recount = (await store.maintenance.recountChunks()).find((row) => row.projectId === project.id);
      expect(recount).toEqual({
        projectId: project.id,
        projectName: project.name,
        deleted: false,
        documentCount: 1,
        oldChunkCount: 3,
        newChunkCount: 3,
      });
      expect((await store.documents.findById(document.id))?.chunkCount).toBe(3);

      // A purge leaves the index version's storage for the caller to free: that is an orphan until then.
      await store.projects.hardDelete(project.id);
      const orphans = await store.maintenance.countOrphanVectors();
      expect(orphans.indexes).toBeGreaterThanOrEqual(1);
      expect((await store.maintenance.vectorStorage()).some((row) => row.indexId === index.id)).toBe(false);
      expect(await store.maintenance.projectIds()).not.toContain(project.id);
      const removed = await store.maintenance.removeOrphanVectors();
      expect(removed).toEqual(orphans);
      expect(await store.maintenance.countOrphanVectors()).toEqual({ vectors: 0, indexes: 0, indexVectors: 0, bytes: 0 });
    });

    test('health: ping, integrity and a description of the engine', async () => {
      await store.ping();
      expect(await store.checkIntegrity()).toEqual([]);
      expect(['sqlite', 'postgres']).toContain(store.describe().engine);
    });
  });
}
