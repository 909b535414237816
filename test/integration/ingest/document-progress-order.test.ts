import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainEvents } from '../../../src/server/events/domain-events.ts';
import { DocumentProgress } from '../../../src/server/ingest/document-progress.ts';
import { createSqliteStore, type SqliteStore } from '../../../src/server/store/sqlite/sqlite-store.ts';

/**
 * A parser's progress is reported without waiting. On PostgreSQL each write may take another pooled
 * connection, so an early write can finish after a later one: the order must be kept by the reporter.
 * Here the real store's first write is held back to make it the slow one.
 */
describe('document progress', () => {
  let store: SqliteStore;
  let documentId: number;
  let projectId: number;

  beforeEach(async () => {
    store = createSqliteStore({ filePath: ':memory:' });
    projectId = (await store.projects.create({ name: 'p', description: null, settings: {} })).id;
    documentId = (
      await store.documents.create({
        projectId,
        filename: 'a.txt',
        fileType: 'txt',
        mimeType: 'text/plain',
        fileSize: 1,
        storedName: 'a.txt',
        contentHash: 'a',
      })
    ).id;
  });
  afterEach(async () => store.close());

  it('saves the reports of one document in the order they were made, even when a write is slow', async () => {
    const setProgress = store.documents.setProgress.bind(store.documents);
    let calls = 0;
    store.documents.setProgress = async (id, update) => {
      calls += 1;
      if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 100));
      return setProgress(id, update);
    };
    const progress = new DocumentProgress({ store, events: new DomainEvents() });
    const document = { id: documentId, projectId };
    const parsing = progress.report(document, { status: 'processing', stage: 'parsing', progress: 20 });
    const completed = progress.report(document, { status: 'completed', stage: 'completed', progress: 100 });
    expect(await Promise.all([parsing, completed])).toEqual([true, true]);
    expect(await store.documents.findById(documentId)).toMatchObject({ status: 'completed', stage: 'completed', progress: 100 });
  });
});
