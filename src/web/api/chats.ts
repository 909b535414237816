import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChatCreateBody, ChatResponse, ChatSearchResult, ChatWithMessagesResponse } from '../../protocol/rest.ts';
import { apiRequest } from '../lib/api.ts';
import { queryKeys } from './query-keys.ts';

export type ChatWithMessages = ChatWithMessagesResponse;

export function useChats(projectId: number) {
  return useQuery({
    queryKey: queryKeys.chats(projectId),
    queryFn: () => apiRequest<ChatResponse[]>('GET', `/api/projects/${projectId}/chats`),
  });
}

/** Server-side search over chat titles and message text; disabled for an empty query. */
export function useChatSearch(projectId: number, query: string) {
  const trimmed = query.trim();
  return useQuery({
    queryKey: queryKeys.chatSearch(projectId, trimmed),
    queryFn: () =>
      apiRequest<ChatSearchResult[]>('GET', `/api/projects/${projectId}/chats/search?q=${encodeURIComponent(trimmed)}&limit=50`),
    enabled: trimmed.length > 0,
    placeholderData: keepPreviousData,
  });
}

export function useChat(chatId: number) {
  return useQuery({
    queryKey: queryKeys.chat(chatId),
    queryFn: () => apiRequest<ChatWithMessages>('GET', `/api/chats/${chatId}`),
  });
}

export function useCreateChat() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ChatCreateBody) => apiRequest<ChatResponse>('POST', '/api/chats', body),
    onSuccess: (chat) => client.invalidateQueries({ queryKey: queryKeys.chats(chat.project_id) }),
  });
}

export function useRenameChat() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ chatId, title }: { chatId: number; title: string }) =>
      apiRequest<ChatResponse>('PUT', `/api/chats/${chatId}`, { title }),
    onSuccess: (chat) =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.chats(chat.project_id) }),
        client.invalidateQueries({ queryKey: queryKeys.chat(chat.id) }),
      ]),
  });
}

/** `onDeleted` runs before the chat's cache entry goes (a page showing that chat unmounts then). */
export function useDeleteChat(onDeleted?: (chatId: number) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ chatId }: { chatId: number; projectId: number }) => apiRequest<void>('DELETE', `/api/chats/${chatId}`),
    onSuccess: (_result, { chatId, projectId }) => {
      onDeleted?.(chatId);
      client.removeQueries({ queryKey: queryKeys.chat(chatId) });
      return client.invalidateQueries({ queryKey: queryKeys.chats(projectId) });
    },
  });
}

export function chatExportUrl(chatId: number, format: 'markdown' | 'json'): string {
  return `/api/chats/${chatId}/export/${format}`;
}
