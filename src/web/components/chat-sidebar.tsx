import { useEffect, useState } from 'react';
import type { ChatResponse, ChatSearchResult } from '../../protocol/rest.ts';
import { useChatSearch, useChats, useCreateChat } from '../api/chats.ts';
import { errorMessage } from '../lib/api.ts';
import { navigate, paths } from '../lib/router.tsx';
import { ChatRow } from './chat-row.tsx';
import { DeleteChatDialog, RenameChatDialog, useDebounced } from './chats-panel.tsx';
import { ErrorNotice, Loading } from './feedback.tsx';
import { CloseIcon, PlusIcon, SearchIcon } from './icons.tsx';
import { useToast } from './toasts.tsx';

/** The id of the sidebar's search field (Ctrl/Cmd+K focuses it on the chat page). */
export const CHAT_SIDEBAR_SEARCH_ID = 'chat-sidebar-search';
/** Sent on `window` by Ctrl/Cmd+K on the chat page: the sidebar opens (a drawer on a phone) and focuses its search. */
export const CHAT_SEARCH_EVENT = 'daa:search-chats';

/**
 * The project's chats beside the open one: newest first, searchable (with the matching text), with
 * rename and delete, the open chat marked `aria-current`. On a phone it is a drawer (`open`), closed
 * by Esc, the backdrop, the close button or picking a chat.
 */
export function ChatSidebar({
  projectId,
  currentChatId,
  open,
  onOpen,
  onClose,
}: {
  projectId: number;
  currentChatId: number;
  open: boolean;
  onOpen?: () => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState('');
  const debounced = useDebounced(query, 250);
  const searching = debounced.trim().length > 0;
  const chats = useChats(projectId);
  const search = useChatSearch(projectId, debounced);
  const [renaming, setRenaming] = useState<ChatResponse | null>(null);
  const [deleting, setDeleting] = useState<ChatResponse | null>(null);
  const create = useCreateChat();
  const toast = useToast();

  useEffect(() => {
    const onSearch = () => {
      onOpen?.();
      // A closed drawer is hidden (not focusable) until it has opened: try for a few frames.
      const tryFocus = (attempts: number) => {
        const input = document.getElementById(CHAT_SIDEBAR_SEARCH_ID);
        input?.focus();
        if (document.activeElement !== input && attempts > 0) requestAnimationFrame(() => tryFocus(attempts - 1));
      };
      tryFocus(30);
    };
    window.addEventListener(CHAT_SEARCH_EVENT, onSearch);
    return () => window.removeEventListener(CHAT_SEARCH_EVENT, onSearch);
  }, [onOpen]);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented && !document.querySelector('[role="dialog"]')) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, onClose]);

  const newChat = () =>
    create.mutate(
      { project_id: projectId },
      {
        onSuccess: (chat) => {
          onClose();
          navigate(paths.chat(chat.id));
        },
        onError: (error) => toast.show(`The chat could not be created: ${errorMessage(error)}`, 'error'),
      },
    );

  const list = searching ? search : chats;
  return (
    <>
      {open ? <div className="sidebar-backdrop" onMouseDown={onClose} aria-hidden="true" /> : null}
      <nav id="chat-sidebar" className={`chat-sidebar${open ? ' open' : ''}`} aria-label="Chats">
        <div className="chat-sidebar-top">
          <button type="button" className="button primary new-chat-button" onClick={newChat} disabled={create.isPending}>
            <PlusIcon /> New chat
          </button>
          <button type="button" className="icon-button sidebar-close" aria-label="Close the chat list" onClick={onClose}>
            <CloseIcon />
          </button>
        </div>
        <div className="search-field">
          <SearchIcon />
          <label htmlFor={CHAT_SIDEBAR_SEARCH_ID} className="visually-hidden">
            Search chats
          </label>
          <input
            id={CHAT_SIDEBAR_SEARCH_ID}
            type="search"
            placeholder="Search chats"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </div>
        {list.isPending ? (
          <Loading label={searching ? 'Searching…' : 'Loading chats…'} />
        ) : list.isError ? (
          <ErrorNotice title="Chats could not be loaded" error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.length === 0 ? (
          <p className="muted small sidebar-empty">{searching ? `Nothing matches “${debounced.trim()}”.` : 'No chats yet.'}</p>
        ) : (
          <ul className="sidebar-chats">
            {list.data.map((chat) => (
              <ChatRow
                key={chat.id}
                chat={chat}
                variant="sidebar"
                current={chat.id === currentChatId}
                snippet={searching ? (chat as ChatSearchResult).snippet : null}
                query={debounced}
                onOpen={onClose}
                onRename={setRenaming}
                onDelete={setDeleting}
              />
            ))}
          </ul>
        )}
      </nav>
      {renaming ? <RenameChatDialog chat={renaming} onClose={() => setRenaming(null)} /> : null}
      {deleting ? (
        <DeleteChatDialog
          chat={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={deleting.id === currentChatId ? () => navigate(paths.project(projectId), { replace: true }) : undefined}
        />
      ) : null}
    </>
  );
}
