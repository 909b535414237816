import type { RetrievalMode } from '../../protocol/documents.ts';
import type { Source } from '../../protocol/source.ts';

export interface RetrieveOptions {
  projectId: number;
  query: string;
  /** How many passages at most. */
  limit: number;
  /** Passages scoring below this (0–1) are dropped. */
  minScore: number;
  signal?: AbortSignal;
  /** The previous user turn of the chat, used when the question reads as a follow-up (follow-up-query.ts). */
  previousQuestion?: string;
  /** Which indexes to search; default: the project's `retrieval_mode` setting, else hybrid. */
  mode?: RequestedRetrievalMode;
}

/** The passages with how they were found (for deciding whether the documents cover a question). */
export interface RetrievalOutcome {
  sources: Source[];
  /** Which searches matched anything: `full_text` and `hybrid` mean a full-text match. */
  mode: RetrievalMode;
  /** When a vector index answered: which one, and the question's embedding (to judge relevance against the index's baseline). */
  vectorMatch?: { indexId: number; queryEmbedding: ArrayLike<number> };
}
/** The per-project `retrieval_mode` setting. */
export type RequestedRetrievalMode = 'hybrid' | 'full_text' | 'vector';

/** Finds the passages of one project that best answer a query. Never crosses projects. */
export interface Retriever {
  retrieve(options: RetrieveOptions): Promise<Source[]>;
  /** The same search, saying how it matched; optional (a retriever without it is judged by its sources). */
  search?(options: RetrieveOptions): Promise<RetrievalOutcome>;
}
