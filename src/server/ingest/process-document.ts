import type { EmbedderChoice } from '../llm/embedder-resolver.ts';
import { type Embedding, isEmbedderUnavailable } from '../llm/embedder.ts';
import type { JobRecord } from '../store/store.ts';
import { embedInBatches } from './embed-in-batches.ts';
import { embeddingIndexFor } from './embedding-index-target.ts';
import type { IngestContext } from './ingest-context.ts';
import { DocumentParseError } from './parsed-document.ts';

/** Where each stage sits on the 0–100 bar. */
const PARSE_START = 5;
const PARSE_END = 40;
const CHUNKING = 45;
const EMBED_START = 50;
const EMBED_END = 90;
const INDEXING = 95;
/** Parse progress of one document is saved and announced at most this often. */
const PROGRESS_INTERVAL_MS = 250;

export type ProcessOutcome = { kind: 'completed'; embedded: boolean; buildingIndex: boolean } | { kind: 'gone' };

/**
 * A parse job: parse, chunk and analyze in the pool → embed (when an embedder answers) → one
 * transaction that replaces the document's chunks, full-text entries and vectors → completed. Every step
 * reports `document_status`. Throws for the runner to retry or fail the document.
 */
export async function processDocument(context: IngestContext, job: JobRecord, signal: AbortSignal): Promise<ProcessOutcome> {
  const { store, files, parserPool, embedders, progress, logger } = context;
  const document = job.documentId ? await store.documents.findById(job.documentId) : undefined;
  if (!document?.storedName) return { kind: 'gone' };
  const project = await store.projects.findById(document.projectId);
  if (!project) return { kind: 'gone' };
  const effective = await context.settings.effective({ projectId: project.id });
  const chunking = { chunkSize: effective.chunkSize, chunkOverlap: effective.chunkOverlap };

  const report = (update: Parameters<typeof progress.report>[1]) => progress.report(document, update);
  if (!(await report({ status: 'processing', stage: 'parsing', progress: PARSE_START, error: null }))) return { kind: 'gone' };

  let lastReported = 0;
  const { parsed, chunks, terms } = await parserPool.process(
    {
      filePath: files.pathOf(document.projectId, document.storedName),
      fileType: document.fileType,
      filename: document.filename,
      ...chunking,
    },
    {
      signal,
      onProgress: (update) => {
        // Worker progress can be fast; persist and announce at most every 250 ms per document.
        if (update.stage === 'parsing' && Date.now() - lastReported < PROGRESS_INTERVAL_MS) return;
        lastReported = Date.now();
        const fraction = update.pagesTotal ? (update.pagesDone ?? 0) / update.pagesTotal : 0;
        void report({
          status: 'processing',
          stage: update.stage,
          progress: update.stage === 'chunking' ? CHUNKING : PARSE_START + (PARSE_END - PARSE_START) * fraction,
          pagesDone: update.pagesDone,
          pagesTotal: update.pagesTotal,
        }).catch((error: unknown) => logger.warn({ err: error, documentId: document.id }, 'progress not saved'));
      },
    },
  );
  signal.throwIfAborted();
  if (chunks.length === 0) throw new DocumentParseError('No text could be extracted from the document', 'empty');
  const pagesTotal = parsed.pageCount;
  await report({
    status: 'processing',
    stage: 'chunking',
    progress: CHUNKING,
    pagesDone: pagesTotal,
    pagesTotal,
    chunksDone: 0,
    chunksTotal: chunks.length,
  });

  const choice = embedders.choose({ embeddingModel: effective.embeddingModel });
  let vectors: { indexId: number; embeddings: Embedding[] } | undefined;
  let buildingIndex = false;
  if (choice) {
    const embeddings = await embedOrSkip(
      context,
      choice,
      chunks.map((chunk) => chunk.content),
      signal,
      (done, total) =>
        report({
          status: 'processing',
          stage: 'embedding',
          progress: EMBED_START + ((EMBED_END - EMBED_START) * done) / total,
          chunksDone: done,
          chunksTotal: total,
        }),
    );
    if (embeddings) {
      const ownChunks = document.status === 'completed' ? document.chunkCount : 0;
      const index = await embeddingIndexFor({
        store,
        projectId: document.projectId,
        choice,
        dimensions: embeddings[0]!.length,
        otherChunks: (await store.chunks.countByProject(document.projectId)) - ownChunks,
      });
      vectors = { indexId: index.id, embeddings };
      buildingIndex = index.status === 'building';
    }
  }

  signal.throwIfAborted();
  await report({ status: 'processing', stage: 'indexing', progress: INDEXING, chunksDone: chunks.length, chunksTotal: chunks.length });
  // Chunks, full-text entries (terms analyzed by the parse worker) and vectors in one transaction:
  // a failure or a crash leaves the document unfinished and unindexed; it is processed again
  // (idempotently) by the retry or at the next start.
  const chunkIds = await store.chunks.indexDocument({
    documentId: document.id,
    chunks: chunks.map((chunk, position) => ({ ...chunk, terms: terms[position] })),
    pageCount: parsed.pageCount ?? null,
    wordCount: parsed.wordCount,
    parsedMetadata: parsed.metadata,
    ...(vectors ? { vectors: { indexId: vectors.indexId, embeddings: vectors.embeddings } } : {}),
  });
  if (!chunkIds) return { kind: 'gone' };
  await report({
    status: 'completed',
    stage: 'completed',
    progress: 100,
    error: null,
    pagesDone: pagesTotal,
    pagesTotal,
    chunksDone: chunks.length,
    chunksTotal: chunks.length,
  });
  return { kind: 'completed', embedded: vectors !== undefined, buildingIndex };
}

/**
 * Embeds all chunk texts, or returns undefined when no embedder is reachable (the document is then
 * indexed for full-text only and embedded in the background later). Transient failures throw.
 */
async function embedOrSkip(
  context: IngestContext,
  choice: EmbedderChoice,
  texts: string[],
  signal: AbortSignal,
  onBatch: (done: number, total: number) => Promise<unknown>,
): Promise<Embedding[] | undefined> {
  try {
    return await embedInBatches({
      embedder: context.embedders.embedder(choice),
      texts,
      batchSize: context.embedBatchSize,
      signal,
      onBatch: async (done, total) => {
        await onBatch(done, total);
      },
    });
  } catch (error) {
    if (!signal.aborted && isEmbedderUnavailable(error)) {
      context.logger.info({ model: choice.model, reason: (error as Error).message }, 'no embedder reachable: full-text index only for now');
      return undefined;
    }
    throw error;
  }
}
