import type { ChunkRecord, Store } from '../store/store.ts';

/** Rows per read: each page is one short statement, and the event loop gets a turn between pages. */
export const CHUNK_PAGE_SIZE = 500;

/** Every chunk of the project's completed documents (or of some documents), page by page, by id. */
export async function* chunkPages(store: Store, options: { projectId: number; documentIds?: number[] }): AsyncGenerator<ChunkRecord[]> {
  let afterId = 0;
  for (;;) {
    const page = await store.analytics.pageChunks({ ...options, afterId, limit: CHUNK_PAGE_SIZE });
    if (page.length === 0) return;
    yield page;
    afterId = page[page.length - 1]!.id;
    if (page.length < CHUNK_PAGE_SIZE) return;
  }
}

/** Every completed document of a project, by id. */
export async function completedDocuments(store: Store, projectId: number) {
  const documents = [];
  for (let skip = 0; ; skip += CHUNK_PAGE_SIZE) {
    const page = await store.documents.list({ projectId, status: 'completed', skip, limit: CHUNK_PAGE_SIZE });
    documents.push(...page);
    if (page.length < CHUNK_PAGE_SIZE) return documents.sort((left, right) => left.id - right.id);
  }
}
