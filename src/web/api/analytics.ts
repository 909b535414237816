import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type {
  ChunkTableResponse,
  DimensionalityReductionBody,
  DimensionalityReductionResponse,
  EmbeddingStatsResponse,
  ProgressResponse,
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

/** A computed map or heatmap stays in memory this long unused (per project and request; documents changing makes a new key). */
const RESULT_CACHE_MS = 60 * 60_000;

/** A v4 UUID; crypto.randomUUID exists only in secure contexts (https, localhost), getRandomValues everywhere. */
function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The map for a request, and while it computes, the server's progress report (polled twice a
 * second by a progress id sent with the request; the id is not part of the cache key).
 */
export function useProjection(projectId: number, version: string, request: Partial<DimensionalityReductionBody> | null) {
  const [progressId, setProgressId] = useState<string | null>(null);
  const projection = useQuery({
    queryKey: ['analytics', projectId, 'projection', version, request],
    queryFn: async () => {
      const id = uuid();
      setProgressId(id);
      try {
        return await apiRequest<DimensionalityReductionResponse>('POST', `${base(projectId)}/dimensionality-reduction`, {
          ...request,
          progress_id: id,
        });
      } finally {
        setProgressId((current) => (current === id ? null : current));
      }
    },
    enabled: request !== null,
    staleTime: Infinity,
    gcTime: RESULT_CACHE_MS,
  });
  const progress = useQuery({
    queryKey: ['analytics', projectId, 'progress', progressId],
    queryFn: () => apiRequest<ProgressResponse>('GET', `${base(projectId)}/progress/${progressId}`),
    enabled: progressId !== null && projection.isFetching,
    refetchInterval: 500,
    gcTime: 0,
  });
  return { projection, progress: projection.isFetching ? progress.data : undefined };
}

export function useSimilarityMatrix(projectId: number, version: string, request: Partial<SimilarityMatrixBody> | null) {
  return useQuery({
    queryKey: ['analytics', projectId, 'similarity', version, request],
    queryFn: () => apiRequest<SimilarityMatrixResponse>('POST', `${base(projectId)}/similarity-matrix`, request),
    enabled: request !== null,
    staleTime: Infinity,
    gcTime: RESULT_CACHE_MS,
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
