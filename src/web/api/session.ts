import { useMutation, useQuery } from '@tanstack/react-query';
import type { SessionState } from '../../protocol/session.ts';
import { apiRequest } from '../lib/api.ts';
import { queryKeys } from './query-keys.ts';

/**
 * The browser's session with a server that has an API token. The token is sent once and exchanged
 * for an httpOnly cookie: no script in this page (nor one that found a way in) can read it back,
 * and plain links (downloads, the PDF viewer, exports) carry the cookie by themselves.
 */
export function signIn(token: string): Promise<void> {
  return apiRequest<void>('POST', '/api/session', { token });
}

export function signOut(): Promise<void> {
  return apiRequest<void>('DELETE', '/api/session');
}

export function useSessionState() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: () => apiRequest<SessionState>('GET', '/api/session'),
    retry: false,
  });
}

/** Signs out, then reloads: the live connection and every cached answer belonged to the session. */
export function useSignOut() {
  return useMutation({ mutationFn: signOut, onSuccess: () => window.location.reload() });
}

/** Earlier versions kept the token in localStorage, readable by any script of this origin: drop it. */
export function forgetStoredToken(): void {
  try {
    localStorage.removeItem('daa-api-token');
  } catch {
    // Storage blocked: nothing was stored either.
  }
}
