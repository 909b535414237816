import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../lib/api.ts';

/** Accounts (AUTH_MODE=accounts): the sign-in cookie is httpOnly; this page never holds a token. */
export interface AuthMode {
  auth_mode: 'none' | 'accounts';
  setup_required: boolean;
}
export interface CurrentUser {
  id: number;
  email: string;
  name: string | null;
  role: 'admin' | 'user';
}
export interface ApiKey {
  id: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

const keys = { mode: ['auth', 'mode'] as const, me: ['auth', 'me'] as const, apiKeys: ['auth', 'keys'] as const };

export function useAuthMode() {
  return useQuery({ queryKey: keys.mode, queryFn: () => apiRequest<AuthMode>('GET', '/api/auth/mode'), retry: false });
}

export function useCurrentUser(enabled: boolean) {
  return useQuery({ queryKey: keys.me, queryFn: () => apiRequest<CurrentUser>('GET', '/api/auth/me'), retry: false, enabled });
}

/** Signing in or out changes who the live connection and every cached answer belong to: reload. */
export function useLogin() {
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => apiRequest<unknown>('POST', '/api/auth/login', body),
    onSuccess: () => window.location.reload(),
  });
}

export function useFirstAdmin() {
  return useMutation({
    mutationFn: async (body: { email: string; password: string; name?: string }) => {
      await apiRequest<unknown>('POST', '/api/auth/setup', body);
      await apiRequest<unknown>('POST', '/api/auth/login', { email: body.email, password: body.password });
    },
    onSuccess: () => window.location.reload(),
  });
}

export function useLogout() {
  return useMutation({ mutationFn: () => apiRequest<void>('POST', '/api/auth/logout'), onSuccess: () => window.location.reload() });
}

export function useUpdateMe() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name?: string | null; password?: string; current_password?: string }) =>
      apiRequest<CurrentUser>('PATCH', '/api/auth/me', body),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.me }),
  });
}

export function useApiKeys() {
  return useQuery({ queryKey: keys.apiKeys, queryFn: () => apiRequest<ApiKey[]>('GET', '/api/auth/keys') });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => apiRequest<{ id: number; name: string; key: string }>('POST', '/api/auth/keys', { name }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.apiKeys }),
  });
}

export function useDeleteApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => apiRequest<void>('DELETE', `/api/auth/keys/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.apiKeys }),
  });
}
