import type { Source } from '../../protocol/source.ts';

export interface RetrieveOptions {
  projectId: number;
  query: string;
  /** How many passages at most. */
  limit: number;
  /** Passages scoring below this (0–1) are dropped. */
  minScore: number;
  signal?: AbortSignal;
}

/** Finds the passages of one project that best answer a query. Never crosses projects. */
export interface Retriever {
  retrieve(options: RetrieveOptions): Promise<Source[]>;
}
