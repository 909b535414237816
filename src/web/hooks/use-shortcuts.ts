import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ChatResponse } from '../../protocol/rest.ts';
import { queryKeys } from '../api/query-keys.ts';
import { CHAT_SEARCH_EVENT, CHAT_SIDEBAR_SEARCH_ID } from '../components/chat-sidebar.tsx';
import { apiRequest } from '../lib/api.ts';
import { matchRoute, navigate, paths, useLocation } from '../lib/router.tsx';

/** The app's keyboard shortcuts, as the `?` dialog lists them (Esc is handled by the chat page). */
export const SHORTCUTS: Array<{ keys: string; action: string }> = [
  { keys: 'Esc', action: 'Stop the answer being written' },
  { keys: 'Ctrl / ⌘ + K', action: 'Search the chats of the project' },
  { keys: 'Ctrl / ⌘ + Shift + O', action: 'Start a new chat in the project' },
  { keys: '?', action: 'Show these shortcuts' },
];

function typing(target: EventTarget | null): boolean {
  const node = target as HTMLElement | null;
  return !!node && (node.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(node.tagName));
}

/** Focuses the chat search of a project page once it is on screen. */
function focusChatSearch(projectId: number): void {
  const tryFocus = (attempts: number) => {
    const input = document.getElementById(`chat-search-${projectId}`);
    if (input) input.focus();
    else if (attempts > 0) requestAnimationFrame(() => tryFocus(attempts - 1));
  };
  tryFocus(30);
}

/**
 * Ctrl/Cmd+K (chat search), Ctrl/Cmd+Shift+O (new chat) and `?` (the list), on the project and chat
 * pages. Returns whether the list is open, and how to close it.
 */
export function useShortcuts(): { helpOpen: boolean; closeHelp: () => void } {
  const { pathname } = useLocation();
  const client = useQueryClient();
  const [helpOpen, setHelpOpen] = useState(false);
  useEffect(() => {
    const route = matchRoute(pathname);
    const onKey = (event: KeyboardEvent) => {
      // The project of the page: its own, or the open chat's (read when the key is pressed).
      const projectId =
        route.name === 'project'
          ? route.projectId
          : route.name === 'chat'
            ? client.getQueryData<ChatResponse>(queryKeys.chat(route.chatId))?.project_id
            : undefined;
      const mod = event.ctrlKey || event.metaKey;
      if (mod && !event.shiftKey && event.key.toLowerCase() === 'k' && projectId) {
        event.preventDefault();
        // The chat page has its own list of the project's chats: search there.
        if (route.name === 'chat' && document.getElementById(CHAT_SIDEBAR_SEARCH_ID)) {
          window.dispatchEvent(new Event(CHAT_SEARCH_EVENT));
          return;
        }
        if (route.name !== 'project') navigate(paths.project(projectId));
        focusChatSearch(projectId);
      } else if (mod && event.shiftKey && event.key.toLowerCase() === 'o' && projectId) {
        event.preventDefault();
        void apiRequest<ChatResponse>('POST', '/api/chats', { project_id: projectId }).then((chat) => {
          void client.invalidateQueries({ queryKey: queryKeys.chats(projectId) });
          navigate(paths.chat(chat.id));
        });
      } else if (event.key === '?' && !mod && !typing(event.target)) {
        event.preventDefault();
        setHelpOpen(true);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [pathname, client]);
  return { helpOpen, closeHelp: () => setHelpOpen(false) };
}
