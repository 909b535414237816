import { FALLBACK_FLOOR } from '../search/relevance-baseline.ts';
import type { RetrievalOutcome } from '../search/retriever.ts';

/**
 * Cosine similarity a passage found by the vector search alone must reach for `documents_only` to
 * answer when the index has no baseline yet (fewer vectors than a sample). Otherwise the floor is
 * relative to the index's own baseline (search/relevance-baseline.ts), whatever the embedder's scale.
 */
export const VECTOR_RELEVANCE_FLOOR = FALLBACK_FLOOR;

/**
 * Whether the project's documents have something relevant enough to answer from: a full-text match,
 * or a passage whose vector similarity reaches the floor (the index's relative floor for this
 * question, search/relevance-baseline.ts).
 */
export function documentsCover(outcome: RetrievalOutcome, floor = VECTOR_RELEVANCE_FLOOR): boolean {
  if (outcome.sources.length === 0) return false;
  if (outcome.mode === 'full_text' || outcome.mode === 'hybrid') return true;
  // Vectors alone: a passage's score is its cosine similarity.
  if (outcome.mode === 'vector') return outcome.sources.some((source) => source.score >= floor);
  return false;
}
