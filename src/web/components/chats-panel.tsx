import { useEffect, useState, type FormEvent } from 'react';
import type { ChatResponse, ChatSearchResult } from '../../protocol/rest.ts';
import { useChatSearch, useChats, useCreateChat, useDeleteChat, useRenameChat } from '../api/chats.ts';
import { errorMessage } from '../lib/api.ts';
import { plural } from '../lib/format.ts';
import { navigate, paths } from '../lib/router.tsx';
import type { NewChatState } from '../pages/chat-page.tsx';
import { AnsweringModelNote } from './answering-model-note.tsx';
import { ChatRow } from './chat-row.tsx';
import { EmptyState, ErrorNotice, Loading } from './feedback.tsx';
import { PlusIcon, SearchIcon } from './icons.tsx';
import { ConfirmDialog, Modal } from './modal.tsx';
import { useToast } from './toasts.tsx';

/** Start a chat with a question, find old ones (titles and message text), rename, export, delete. */
export function ChatsPanel({ projectId, projectModel }: { projectId: number; projectModel?: string | null }) {
  const [query, setQuery] = useState('');
  const debounced = useDebounced(query, 250);
  const chats = useChats(projectId);
  const search = useChatSearch(projectId, debounced);
  const searching = debounced.trim().length > 0;
  const list = searching ? search : chats;
  const [renaming, setRenaming] = useState<ChatResponse | null>(null);
  const [deleting, setDeleting] = useState<ChatResponse | null>(null);

  return (
    <div className="chats-panel">
      <NewChatForm projectId={projectId} projectModel={projectModel} />
      <div className="search-field">
        <SearchIcon />
        <label htmlFor={`chat-search-${projectId}`} className="visually-hidden">
          Search chats
        </label>
        <input
          id={`chat-search-${projectId}`}
          type="search"
          placeholder="Search chats and messages"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      {list.isPending ? (
        <Loading label={searching ? 'Searching…' : 'Loading chats…'} />
      ) : list.isError ? (
        <ErrorNotice title="Chats could not be loaded" error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        searching ? (
          <EmptyState title={`Nothing matches “${debounced.trim()}”`}>Search looks in chat titles and in every message.</EmptyState>
        ) : (
          <EmptyState title="No chats yet">Ask a question above to start the first one.</EmptyState>
        )
      ) : (
        <ul className="chat-list" aria-label={searching ? 'Matching chats' : 'Chats'}>
          {list.data.map((chat) => (
            <ChatRow
              key={chat.id}
              chat={chat}
              variant="panel"
              snippet={searching ? (chat as Partial<ChatSearchResult>).snippet : null}
              query={debounced}
              onRename={setRenaming}
              onDelete={setDeleting}
            />
          ))}
        </ul>
      )}
      {renaming ? <RenameChatDialog chat={renaming} onClose={() => setRenaming(null)} /> : null}
      {deleting ? <DeleteChatDialog chat={deleting} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}

function NewChatForm({ projectId, projectModel }: { projectId: number; projectModel?: string | null }) {
  const [question, setQuestion] = useState('');
  const create = useCreateChat();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = question.trim();
    create.mutate(
      { project_id: projectId },
      {
        onSuccess: (chat) => {
          const state: NewChatState = text ? { initialMessage: text } : {};
          navigate(paths.chat(chat.id), { state });
        },
      },
    );
  };
  return (
    <form className="new-chat" onSubmit={submit}>
      <label htmlFor={`new-chat-${projectId}`} className="visually-hidden">
        Start a new chat with a question
      </label>
      <input
        id={`new-chat-${projectId}`}
        value={question}
        onChange={(event) => setQuestion(event.target.value)}
        placeholder="Ask a question to start a new chat…"
        maxLength={32_000}
      />
      <button type="submit" className="button primary" disabled={create.isPending}>
        <PlusIcon /> {question.trim() ? 'Ask' : 'New chat'}
      </button>
      {create.error ? (
        <p className="form-error" role="alert">
          {errorMessage(create.error)}
        </p>
      ) : null}
      <AnsweringModelNote projectModel={projectModel} />
    </form>
  );
}

export function RenameChatDialog({ chat, onClose }: { chat: ChatResponse; onClose: () => void }) {
  const [title, setTitle] = useState(chat.title);
  const [clientError, setClientError] = useState<string | null>(null);
  const rename = useRenameChat();
  const toast = useToast();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) {
      setClientError('Give the chat a title.');
      return;
    }
    setClientError(null);
    rename.mutate(
      { chatId: chat.id, title: title.trim() },
      {
        onSuccess: () => {
          toast.show('Chat renamed', 'success');
          onClose();
        },
      },
    );
  };
  const formId = `rename-chat-${chat.id}`;
  const error = clientError ?? (rename.error ? errorMessage(rename.error) : null);
  return (
    <Modal
      title="Rename chat"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button primary" disabled={rename.isPending}>
            {rename.isPending ? 'Saving…' : 'Rename'}
          </button>
        </>
      }
    >
      <form id={formId} className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${formId}-title`}>Title</label>
          <input
            id={`${formId}-title`}
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            maxLength={512}
            data-autofocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${formId}-error` : undefined}
          />
        </div>
        {error ? (
          <p id={`${formId}-error`} className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </Modal>
  );
}

export function DeleteChatDialog({ chat, onClose, onDeleted }: { chat: ChatResponse; onClose: () => void; onDeleted?: () => void }) {
  const toast = useToast();
  // Told from the mutation itself: the dialog may be gone by then (deleting the chat on screen).
  const remove = useDeleteChat(() => {
    toast.show('Chat deleted', 'success');
    onDeleted?.();
  });
  return (
    <ConfirmDialog
      title={`Delete “${chat.title}”?`}
      confirmLabel="Delete chat"
      busy={remove.isPending}
      error={remove.error ? errorMessage(remove.error) : null}
      onCancel={onClose}
      onConfirm={() =>
        remove.mutate(
          { chatId: chat.id, projectId: chat.project_id },
          {
            onSuccess: onClose,
          },
        )
      }
    >
      <p>The conversation and its {plural(chat.message_count, 'message')} disappear from this project.</p>
    </ConfirmDialog>
  );
}

export function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}
