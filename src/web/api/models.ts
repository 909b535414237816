import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { LlmStatusResponse } from '../../protocol/llm.ts';
import type { ModelPullProgress, ModelSearchResult, PopularModelsResponse } from '../../protocol/models.ts';
import { apiRequest } from '../lib/api.ts';
import { queryKeys } from './query-keys.ts';

/** The model server's state and what answers right now (`GET /api/llm/status`). */
export type LlmStatus = z.infer<typeof LlmStatusResponse>;
export type PopularModels = z.infer<typeof PopularModelsResponse>;
export type { ModelPullProgress, ModelSearchResult };

/** How often the model server's state is asked for, so "Ollama came up / went away" shows without a reload. */
export const LLM_STATUS_POLL_MS = 10_000;

export function useLlmStatus() {
  return useQuery({
    queryKey: queryKeys.llmStatus,
    queryFn: () => apiRequest<LlmStatus>('GET', '/api/llm/status'),
    refetchInterval: LLM_STATUS_POLL_MS,
    retry: false,
  });
}

export function usePopularModels() {
  return useQuery({
    queryKey: queryKeys.popularModels,
    queryFn: () => apiRequest<PopularModels>('GET', '/api/settings/models/popular'),
    retry: false,
  });
}

export function useModelSearch(query: string) {
  const trimmed = query.trim();
  return useQuery({
    queryKey: queryKeys.modelSearch(trimmed),
    queryFn: () => apiRequest<ModelSearchResult[]>('GET', `/api/settings/models/search?query=${encodeURIComponent(trimmed)}`),
    enabled: trimmed.length > 0,
    retry: false,
  });
}

/** Running and recently finished downloads, as the server has them (so a reload finds them again). */
export function useModelPullList() {
  return useQuery({
    queryKey: queryKeys.modelPulls,
    queryFn: async () => {
      const at = Date.now();
      const pulls = await apiRequest<ModelPullProgress[]>('GET', '/api/settings/models/pulls');
      return pulls.map((pull) => trackPull(undefined, pull, at));
    },
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Everything that lists models, refreshed after a download or a delete. */
export function invalidateModelLists(client: ReturnType<typeof useQueryClient>): void {
  void client.invalidateQueries({ queryKey: queryKeys.installedModels });
  void client.invalidateQueries({ queryKey: queryKeys.popularModels });
  void client.invalidateQueries({ queryKey: ['settings', 'model-search'] });
  void client.invalidateQueries({ queryKey: queryKeys.llmStatus });
}

export function useStartPull() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (modelName: string) => apiRequest<ModelPullProgress>('POST', '/api/settings/models/pull', { model_name: modelName }),
    onSuccess: (progress) => mergePull(client, progress),
  });
}

export function useCancelPull() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (modelName: string) =>
      apiRequest<ModelPullProgress>('DELETE', `/api/settings/models/pull/${encodeURIComponent(modelName)}`),
    onSuccess: (progress) => mergePull(client, progress),
  });
}

export function useDeleteModel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (modelName: string) => apiRequest<unknown>('DELETE', `/api/settings/models/${encodeURIComponent(modelName)}`),
    onSuccess: () => invalidateModelLists(client),
  });
}

/** A download as the web app tracks it: the server's state plus a speed measured between updates. */
export type TrackedPull = ModelPullProgress & {
  /** Bytes per second over the last second or so; null until two updates were seen. */
  bytesPerSecond: number | null;
  sampleAt: number;
  sampleCompleted: number;
};

/** Shortest interval a speed is measured over, so two updates a millisecond apart do not read as 1 GB/s. */
const SPEED_WINDOW_MS = 800;

/** Folds one progress report into the cached list of downloads (newest state of each model wins). */
export function mergePull(client: ReturnType<typeof useQueryClient>, progress: ModelPullProgress, at: number = Date.now()): void {
  client.setQueryData<TrackedPull[]>(queryKeys.modelPulls, (current = []) => {
    const previous = current.find((pull) => pull.model_name === progress.model_name);
    const rest = current.filter((pull) => pull.model_name !== progress.model_name);
    return [...rest, trackPull(previous, progress, at)];
  });
}

export function trackPull(previous: TrackedPull | undefined, progress: ModelPullProgress, at: number): TrackedPull {
  const { model_name, status, completed, total, percent, done, error } = progress;
  const base = { model_name, status, completed, total, percent, done, ...(error ? { error } : {}) };
  // A new download of the same model (after a finished one) starts its own measurement.
  if (!previous || (previous.done && !done) || completed < previous.sampleCompleted) {
    return { ...base, bytesPerSecond: null, sampleAt: at, sampleCompleted: completed };
  }
  const elapsed = at - previous.sampleAt;
  if (elapsed < SPEED_WINDOW_MS)
    return { ...base, bytesPerSecond: previous.bytesPerSecond, sampleAt: previous.sampleAt, sampleCompleted: previous.sampleCompleted };
  return { ...base, bytesPerSecond: ((completed - previous.sampleCompleted) * 1000) / elapsed, sampleAt: at, sampleCompleted: completed };
}
