import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ProjectCreateBody, ProjectResponse, ProjectUpdateBody } from '../../protocol/rest.ts';
import { apiRequest } from '../lib/api.ts';
import { queryKeys } from './query-keys.ts';

export function useProjects() {
  return useQuery({
    queryKey: queryKeys.projects,
    queryFn: () => apiRequest<ProjectResponse[]>('GET', '/api/projects'),
  });
}

/** One project; idle while `projectId` is not known yet. */
export function useProject(projectId: number | null | undefined) {
  return useQuery({
    queryKey: queryKeys.project(projectId ?? 0),
    queryFn: () => apiRequest<ProjectResponse>('GET', `/api/projects/${projectId}`),
    enabled: Boolean(projectId),
  });
}

export function useCreateProject() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ProjectCreateBody) => apiRequest<ProjectResponse>('POST', '/api/projects', body),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.projects }),
  });
}

export function useUpdateProject() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ projectId, body }: { projectId: number; body: ProjectUpdateBody }) =>
      apiRequest<ProjectResponse>('PUT', `/api/projects/${projectId}`, body),
    onSuccess: (project) => {
      client.setQueryData(queryKeys.project(project.id), project);
      return client.invalidateQueries({ queryKey: queryKeys.projects });
    },
  });
}

export function useDeleteProject() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (projectId: number) => apiRequest<void>('DELETE', `/api/projects/${projectId}?hard_delete=true`),
    onSuccess: (_result, projectId) => {
      client.removeQueries({ queryKey: queryKeys.project(projectId) });
      return client.invalidateQueries({ queryKey: queryKeys.projects });
    },
  });
}

/** The project's own settings (a JSON string on the wire, as the original sent it). */
export function projectSettings(project: ProjectResponse): Record<string, unknown> {
  if (!project.settings) return {};
  try {
    const parsed: unknown = JSON.parse(project.settings);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
