import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InstalledModel, InstalledModelsResponse } from '../../protocol/models.ts';
import type { SettingsResponse, SettingsUpdateBody } from '../../protocol/settings.ts';
import { apiRequest } from '../lib/api.ts';
import { queryKeys } from './query-keys.ts';

/** The global defaults (`GET/PUT /api/settings`) and the installed models, as the server's schemas declare them. */
export type AppSettings = SettingsResponse;
export type InstalledModels = InstalledModelsResponse;
export type { InstalledModel };

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
    mutationFn: (body: SettingsUpdateBody) => apiRequest<AppSettings>('PUT', '/api/settings', body),
    onSuccess: (settings) => {
      if (settings && typeof settings === 'object') client.setQueryData(queryKeys.settings, settings);
      return client.invalidateQueries({ queryKey: queryKeys.installedModels });
    },
  });
}
