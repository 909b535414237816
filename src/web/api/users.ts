import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { AdminUserResponse, MemberResponse } from '../../protocol/accounts.ts';
import { apiRequest } from '../lib/api.ts';
import { queryKeys } from './query-keys.ts';

/** Users (admins only) and project members (owners and admins), with accounts on. */
export type AdminUser = z.infer<typeof AdminUserResponse>;
export type ProjectMember = z.infer<typeof MemberResponse>;
export type ProjectRole = ProjectMember['role'];

const keys = {
  users: ['users'] as const,
  members: (projectId: number) => ['members', projectId] as const,
};

export function useUsers() {
  return useQuery({ queryKey: keys.users, queryFn: () => apiRequest<AdminUser[]>('GET', '/api/users') });
}

export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string; name?: string | null; role: 'admin' | 'user' }) =>
      apiRequest<AdminUser>('POST', '/api/users', body),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.users }),
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, body }: { userId: number; body: { role?: 'admin' | 'user'; disabled?: boolean } }) =>
      apiRequest<AdminUser>('PATCH', `/api/users/${userId}`, body),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.users }),
  });
}

export function useDeleteUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: number) => apiRequest<void>('DELETE', `/api/users/${userId}`),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.users }),
  });
}

export function useMembers(projectId: number) {
  return useQuery({
    queryKey: keys.members(projectId),
    queryFn: () => apiRequest<ProjectMember[]>('GET', `/api/projects/${projectId}/members`),
  });
}

/** Adds a member by email, or (with `userId`) changes a member's role. */
export function useSetMember(projectId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; role: ProjectRole } | { userId: number; role: ProjectRole }) =>
      'userId' in input
        ? apiRequest<ProjectMember>('PUT', `/api/projects/${projectId}/members/${input.userId}`, { role: input.role })
        : apiRequest<ProjectMember>('POST', `/api/projects/${projectId}/members`, { email: input.email, role: input.role }),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: keys.members(projectId) }),
        client.invalidateQueries({ queryKey: queryKeys.project(projectId) }),
      ]),
  });
}

export function useRemoveMember(projectId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: number) => apiRequest<void>('DELETE', `/api/projects/${projectId}/members/${userId}`),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.members(projectId) }),
  });
}
