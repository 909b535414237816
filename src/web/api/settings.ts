import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../lib/api.ts';
import { queryKeys } from './query-keys.ts';

/** The global defaults (`GET/PUT /api/settings`); the settings API is built by its own helper. */
export interface AppSettings {
  default_llm_model: string | null;
  default_embedding_model: string | null;
  default_temperature: number;
  default_retrieval_k: number;
  default_history_length: number;
  default_chunk_size: number;
  default_chunk_overlap: number;
  default_max_tokens: number;
  default_min_score: number;
  theme?: string | null;
}

export interface InstalledModel {
  name: string;
  size?: number | null;
  modified_at?: string | null;
  [key: string]: unknown;
}

export interface InstalledModels {
  llm_models: InstalledModel[];
  embedding_models: InstalledModel[];
  current_llm: string | null;
  current_embedding: string | null;
}

export function useSettings() {
  return useQuery({
    queryKey: queryKeys.settings,
    queryFn: () => apiRequest<AppSettings>('GET', '/api/settings'),
    retry: false,
  });
}

export function useInstalledModels() {
  return useQuery({
    queryKey: queryKeys.installedModels,
    queryFn: () => apiRequest<InstalledModels>('GET', '/api/settings/models/installed'),
    retry: false,
  });
}

export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<AppSettings>) => apiRequest<AppSettings>('PUT', '/api/settings', body),
    onSuccess: (settings) => {
      if (settings && typeof settings === 'object') client.setQueryData(queryKeys.settings, settings);
      return client.invalidateQueries({ queryKey: queryKeys.installedModels });
    },
  });
}
