import type { RetrievalOutcome } from '../search/retriever.ts';

/**
 * Cosine similarity a passage found by the vector search alone must reach for `documents_only` to
 * answer. Not calibrated against a real embedder here (no model on the build machine): 0.5 sits
 * between the ~0.3–0.45 of unrelated and the 0.6+ of related text that nomic-embed-text and
 * all-minilm typically give; a full-text match always counts.
 */
export const VECTOR_RELEVANCE_FLOOR = 0.5;

/**
 * Whether the project's documents have something relevant enough to answer from: a full-text match,
 * or a passage whose vector similarity reaches the floor. Without a search outcome, any passage counts.
 */
export function documentsCover(outcome: RetrievalOutcome, floor = VECTOR_RELEVANCE_FLOOR): boolean {
  if (outcome.sources.length === 0) return false;
  if (outcome.mode === 'full_text' || outcome.mode === 'hybrid') return true;
  // Vectors alone: a passage's score is its cosine similarity.
  if (outcome.mode === 'vector') return outcome.sources.some((source) => source.score >= floor);
  return false;
}
