import type { EmbedderChoice } from '../llm/embedder-resolver.ts';
import type { EmbeddingIndexRecord, Store } from '../store/store.ts';

/**
 * The index version that vectors of `choice` go into, created when missing. A new version starts
 * `building` (the current one keeps answering) unless the project has no vectors to lose and no
 * chunks still to embed, in which case it is active at once. A same-named model that now returns
 * another dimension (re-pulled under the same tag) gets a fresh version: never a dimension error.
 */
export async function embeddingIndexFor(options: {
  store: Store;
  projectId: number;
  choice: EmbedderChoice;
  dimensions: number;
  /** Chunks of the project that this write will not cover. */
  otherChunks: number;
}): Promise<EmbeddingIndexRecord> {
  const { store, projectId, choice, dimensions } = options;
  const existing = await store.vectors.findIndex({ projectId, provider: choice.provider, model: choice.model });
  if (existing && existing.dimensions === dimensions) return existing;
  if (existing) await store.vectors.retire(existing.id);
  const active = await store.vectors.activeIndex(projectId);
  return store.vectors.createIndex({
    projectId,
    provider: choice.provider,
    model: choice.model,
    dimensions,
    status: !active && options.otherChunks === 0 ? 'active' : 'building',
  });
}
