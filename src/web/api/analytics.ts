import { useMutation, useQuery } from '@tanstack/react-query';
import type {
  ChunkTableResponse,
  DimensionalityReductionBody,
  DimensionalityReductionResponse,
  EmbeddingStatsResponse,
  SimilarityMatrixBody,
  SimilarityMatrixResponse,
} from '../../protocol/analytics.ts';
import { apiRequest } from '../lib/api.ts';

export type { ChunkTableResponse, DimensionalityReductionResponse, EmbeddingStatsResponse, SimilarityMatrixResponse };

const base = (projectId: number) => `/api/analytics/projects/${projectId}`;

/** Keyed by the documents' last change too: a cached picture is reused until documents change. */
export function useEmbeddingStats(projectId: number, version: string) {
  return useQuery({
    queryKey: ['analytics', projectId, 'stats', version],
    queryFn: () => apiRequest<EmbeddingStatsResponse>('GET', `${base(projectId)}/embedding-stats`),
  });
}

export function useProjection(projectId: number, version: string, request: Partial<DimensionalityReductionBody> | null) {
  return useQuery({
    queryKey: ['analytics', projectId, 'projection', version, request],
    queryFn: () => apiRequest<DimensionalityReductionResponse>('POST', `${base(projectId)}/dimensionality-reduction`, request),
    enabled: request !== null,
    staleTime: Infinity,
  });
}

export function useSimilarityMatrix(projectId: number, version: string, request: Partial<SimilarityMatrixBody> | null) {
  return useQuery({
    queryKey: ['analytics', projectId, 'similarity', version, request],
    queryFn: () => apiRequest<SimilarityMatrixResponse>('POST', `${base(projectId)}/similarity-matrix`, request),
    enabled: request !== null,
    staleTime: Infinity,
  });
}

export function useChunkTable(projectId: number, version: string, options: { search: string; skip: number; limit: number }) {
  const query = new URLSearchParams({ skip: String(options.skip), limit: String(options.limit) });
  if (options.search) query.set('search', options.search);
  return useQuery({
    queryKey: ['analytics', projectId, 'chunks', version, options],
    queryFn: () => apiRequest<ChunkTableResponse>('GET', `${base(projectId)}/chunks?${query}`),
    placeholderData: (previous) => previous,
  });
}

export function chunkExportUrl(projectId: number, search: string): string {
  return `${base(projectId)}/chunks/export${search ? `?${new URLSearchParams({ search })}` : ''}`;
}

export interface RetrievalResult {
  chunk_id: string;
  document_name: string;
  chunk_index: number;
  text: string;
  score: number;
  distance: number | null;
  /** Places in the full-text and vector candidate lists (null: not found there), and the fused score (hybrid only). */
  full_text_rank: number | null;
  vector_rank: number | null;
  fused_score: number | null;
}

export function useRetrievalTest(projectId: number) {
  return useMutation({
    mutationFn: (input: { query: string; top_k: number }) =>
      apiRequest<{ results: RetrievalResult[]; stats: { avg_score: number; max_score: number; mode: string } }>(
        'POST',
        `${base(projectId)}/test-retrieval`,
        input,
      ),
  });
}
