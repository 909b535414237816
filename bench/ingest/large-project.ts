import type { Store } from '../../src/server/store/store.ts';

const WORDS =
  'harvest orchard pollination weather tide lighthouse ledger quarterly revenue staffing outlook invoice river valley granite meadow copper lantern'.split(
    ' ',
  );

function chunkText(document: number, chunk: number): string {
  const words: string[] = [];
  for (let index = 0; index < 90; index += 1) words.push(WORDS[(document * 31 + chunk * 7 + index * 3) % WORDS.length]!);
  return `Document ${document} part ${chunk}: ${words.join(' ')}.`;
}

/** A unit vector that differs per chunk, cheap to make. */
function vector(seed: number, dimensions: number): Float32Array {
  const values = new Float32Array(dimensions);
  for (let index = 0; index < dimensions; index += 1) values[index] = Math.sin(seed * 0.37 + index);
  return values;
}

/**
 * Fills a project straight through the store (no parsing, no embedder) with `documents ×
 * chunksPerDocument` completed chunks, full-text indexed, and a vector for each in an active index:
 * the state of a big project after its ingestion. Yields between documents.
 */
export async function fillLargeProject(options: {
  store: Store;
  name: string;
  documents: number;
  chunksPerDocument: number;
  dimensions: number;
  onProgress?: (documentsDone: number) => void;
}): Promise<{ projectId: number; indexId: number; chunks: number }> {
  const { store, documents, chunksPerDocument, dimensions } = options;
  const project = await store.projects.create({ name: options.name, description: null, settings: {} });
  const index = await store.vectors.createIndex({
    projectId: project.id,
    provider: 'ollama',
    model: 'nomic-embed-text',
    dimensions,
    status: 'active',
  });
  for (let number = 0; number < documents; number += 1) {
    const document = await store.documents.create({
      projectId: project.id,
      filename: `large-${number}.txt`,
      fileType: 'txt',
      mimeType: 'text/plain',
      fileSize: 1,
      storedName: `large-${number}.txt`,
      contentHash: `large-${project.id}-${number}`,
    });
    const chunks = Array.from({ length: chunksPerDocument }, (_, chunkIndex) => {
      const content = chunkText(number, chunkIndex);
      return { chunkIndex, content, startChar: 0, endChar: content.length };
    });
    const ids = (await store.chunks.indexDocument({
      documentId: document.id,
      chunks,
      pageCount: null,
      wordCount: chunksPerDocument * 90,
      parsedMetadata: {},
    }))!;
    for (let start = 0; start < ids.length; start += 500) {
      await store.vectors.insert({
        indexId: index.id,
        items: ids.slice(start, start + 500).map((chunkId) => ({ chunkId, embedding: vector(chunkId, dimensions) })),
      });
    }
    await store.documents.setProgress(document.id, { status: 'completed', stage: 'completed', progress: 100, errorMessage: null });
    options.onProgress?.(number + 1);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { projectId: project.id, indexId: index.id, chunks: documents * chunksPerDocument };
}
