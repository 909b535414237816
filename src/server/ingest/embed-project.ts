import { isEmbedderUnavailable } from '../llm/embedder.ts';
import type { JobRecord } from '../store/store.ts';
import { embeddingIndexFor } from './embedding-index-target.ts';
import type { IngestContext } from './ingest-context.ts';

/**
 * An embed job: fills the project's index version for its current embedding model with every chunk
 * that has no vector there yet, batch by batch (resumable after a crash: done vectors stay), then
 * activates it, which retires the previous version. Until then the previous version keeps answering.
 */
export async function embedProject(context: IngestContext, job: JobRecord, signal: AbortSignal): Promise<void> {
  const { store, embedders, events, logger, embedBatchSize } = context;
  const project = await store.projects.findById(job.projectId);
  if (!project) return;
  const { embeddingModel } = await context.settings.effective({ projectId: project.id });
  const choice = embedders.choose({ embeddingModel });
  if (!choice) return;
  const embedder = embedders.embedder(choice);

  let index = await store.vectors.findIndex({ projectId: project.id, provider: choice.provider, model: choice.model });
  try {
    if (!index) {
      // The dimension is only known from a real answer.
      const [probe] = await embedder.embed({ texts: ['dimension probe'], signal });
      index = await embeddingIndexFor({ store, projectId: project.id, choice, dimensions: probe!.length, otherChunks: 1 });
    }
    let written = 0;
    for (;;) {
      signal.throwIfAborted();
      const batch = await store.chunks.listMissingVectors({ projectId: project.id, indexId: index.id, limit: embedBatchSize });
      if (batch.length === 0) break;
      const embeddings = await embedder.embed({ texts: batch.map((chunk) => chunk.content), signal });
      if (embeddings[0]!.length !== index.dimensions) {
        index = await embeddingIndexFor({ store, projectId: project.id, choice, dimensions: embeddings[0]!.length, otherChunks: 1 });
        continue;
      }
      const count = await store.vectors.insert({
        indexId: index.id,
        items: batch.map((chunk, position) => ({ chunkId: chunk.id, embedding: embeddings[position]! })),
      });
      written += count;
      // Nothing could be written (the index went away meanwhile): stop rather than spin.
      if (count === 0 && !(await store.vectors.findIndex({ projectId: project.id, provider: choice.provider, model: choice.model })))
        return;
    }
  } catch (error) {
    if (!signal.aborted && isEmbedderUnavailable(error)) {
      logger.info({ projectId: project.id, model: choice.model }, 'embedding backfill postponed: no embedder reachable');
      return;
    }
    throw error;
  }
  if (index.status === 'building') {
    await store.vectors.activate(index.id);
    logger.info({ projectId: project.id, model: choice.model, indexId: index.id }, 'embedding index version activated');
    events.publish({ type: 'embeddingIndexActivated', projectId: project.id, embeddingModel: choice.model, embeddingIndexId: index.id });
  }
}
