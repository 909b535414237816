import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { chatExportUrl, useChat } from '../api/chats.ts';
import { useProject } from '../api/projects.ts';
import { queryKeys } from '../api/query-keys.ts';
import { AnsweringModelNote } from '../components/answering-model-note.tsx';
import { ChatModelPicker } from '../components/chat-model-picker.tsx';
import { ChatSidebar } from '../components/chat-sidebar.tsx';
import { Composer } from '../components/composer.tsx';
import { EmptyState, ErrorNotice, Loading } from '../components/feedback.tsx';
import { ArrowLeftIcon, ChatIcon } from '../components/icons.tsx';
import { Modal } from '../components/modal.tsx';
import { MessageView } from '../components/message-view.tsx';
import { SourceDialog, SourceList } from '../components/sources.tsx';
import { useChatStream } from '../hooks/use-chat-stream.ts';
import { useConnection } from '../hooks/use-connection.ts';
import { useMediaQuery } from '../hooks/use-media-query.ts';
import { useChatRoom } from '../hooks/use-chat-room.ts';
import { useProjectRoom } from '../hooks/use-project-room.ts';
import { useProjectUpdates } from '../hooks/use-project-updates.ts';
import { ApiError, apiRequest, errorMessage } from '../lib/api.ts';
import { useToast } from '../components/toasts.tsx';
import { projectOverrides } from '../lib/project-overrides.ts';
import { Link, navigate, paths, useLocation } from '../lib/router.tsx';
import { keepsSeenText, visibleMessages, type DisplayMessage } from '../lib/visible-messages.ts';

/** Below this width the chat list is a drawer and the sources a sheet (the CSS uses the same width). */
const NARROW_SCREEN = '(max-width: 900px)';

/** Navigation state of a new chat: its first question, sent once the chat is open and connected. */
export interface NewChatState {
  initialMessage?: string;
}

export function ChatPage({ chatId }: { chatId: number }) {
  const client = useQueryClient();
  const chat = useChat(chatId);
  const projectId = chat.data?.project_id;
  const project = useProject(projectId);
  const { isConnected } = useConnection();
  const [deletedElsewhere, setDeletedElsewhere] = useState(false);
  const toast = useToast();

  const reloadChat = useCallback(() => client.invalidateQueries({ queryKey: queryKeys.chat(chatId) }), [client, chatId]);
  const stream = useChatStream(chatId, {
    onSettled: () => {
      void reloadChat();
      if (projectId) void client.invalidateQueries({ queryKey: queryKeys.chats(projectId) });
    },
  });

  // Messages added while this tab was not in the room (loading, offline) are reloaded on (re)join.
  useProjectRoom(projectId, () => {
    if (!stream.isBusy) void reloadChat();
  });

  // The chat's own events (another tab's question, a rename, a delete) come to its room only.
  useChatRoom(chatId, () => {
    if (!stream.isBusy) void reloadChat();
  });

  // Another tab asked something here, renamed or deleted the chat: follow it.
  useProjectUpdates(projectId, (event) => {
    if (Number(event.data.chat_id) !== chatId) return;
    if (event.type === 'chat_deleted') setDeletedElsewhere(true);
    else if (!stream.isBusy) void reloadChat();
  });

  const history = chat.data?.messages;
  const { answer, clear, follow } = stream;

  // The history now holds the final answer: drop the live copy, keeping any text the user saw that
  // the server's last checkpoint does not have (a crash in the middle of an answer).
  const seenText = useRef(new Map<number, string>());
  useEffect(() => {
    if (!answer || !history) return;
    if (answer.phase !== 'finished' && answer.phase !== 'failed') return;
    const saved = history.find((message) => message.id === answer.messageId);
    if (saved && saved.status !== 'streaming') {
      if (keepsSeenText(saved.content, answer.content)) seenText.current.set(saved.id, answer.content);
      clear();
    }
  }, [answer, history, clear]);

  // The tab is named after the chat.
  const title = chat.data?.title;
  useEffect(() => {
    document.title = `${title ?? 'Chat'} · DAA Chatbot`;
  }, [title]);

  // Esc stops a running answer (unless a dialog is open: Esc closes that first).
  const { isBusy, stop } = stream;
  useEffect(() => {
    if (!isBusy) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('dialog[open], [role="dialog"]')) return;
      stop();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [isBusy, stop]);

  // An answer still being written (a reload mid-answer, or another tab's question): follow it live.
  const followed = useRef(new Set<number>());
  useEffect(() => {
    if (!history || stream.isBusy || !isConnected) return;
    // Any answer being written, not only the last row: a continued answer can sit above later turns.
    const running = history.findLast((message) => message.role === 'assistant' && message.status === 'streaming');
    if (running && !followed.current.has(running.id)) {
      followed.current.add(running.id);
      follow(running.id);
    }
  }, [history, stream.isBusy, isConnected, follow]);

  // The first question of a chat created from the project page.
  const location = useLocation();
  const initialSent = useRef(false);
  useEffect(() => {
    const initial = (location.state as NewChatState | null)?.initialMessage;
    if (!initial || initialSent.current || !isConnected || !chat.data) return;
    initialSent.current = true;
    if (stream.send(initial)) navigate(paths.chat(chatId), { replace: true, state: null });
  }, [location.state, isConnected, chat.data, stream, chatId]);

  const messages = useMemo(
    () =>
      visibleMessages(history ?? [], answer).map((message) => {
        const seen = message.id === null ? undefined : seenText.current.get(message.id);
        return seen !== undefined && keepsSeenText(message.content, seen) ? { ...message, content: seen } : message;
      }),
    [history, answer],
  );

  // Which answer's sources the side panel shows: the one picked, else the latest with sources.
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const selected =
    messages.find((message) => message.key === selectedKey) ??
    [...messages].reverse().find((message) => message.role === 'assistant' && message.sources.length > 0) ??
    null;
  const [openSource, setOpenSource] = useState<{ key: string; index: number } | null>(null);
  const openMessage = openSource ? messages.find((message) => message.key === openSource.key) : undefined;
  const openSourceValue = openMessage?.sources[openSource?.index ?? -1];

  const showVersion = useCallback(
    (messageId: number) => {
      void apiRequest<void>('PUT', `/api/chats/${chatId}/messages/${messageId}/active`).then(
        () => reloadChat(),
        (error: unknown) => toast.show(errorMessage(error), 'error'),
      );
    },
    [chatId, reloadChat, toast],
  );
  const regenerate = useCallback(
    (message: DisplayMessage) => {
      if (message.id === null) return;
      if (!stream.regenerate(message.id, message.questionId ?? null))
        toast.show('Offline: the answer can be generated again once the connection is back', 'error');
    },
    [stream, toast],
  );

  const edit = useCallback(
    (message: DisplayMessage, text: string) => {
      if (message.id === null) return;
      if (!stream.edit(message.id, text)) toast.show('Offline: the edited question can be sent once the connection is back', 'error');
    },
    [stream, toast],
  );
  const continueAnswer = useCallback(
    (message: DisplayMessage) => {
      if (message.id === null) return;
      if (!stream.continueAnswer(message.id, message.questionId ?? null))
        toast.show('Offline: the answer can be continued once the connection is back', 'error');
    },
    [stream, toast],
  );
  const giveFeedback = useCallback(
    (messageId: number, feedback: 'up' | 'down' | null) => {
      void apiRequest('PUT', `/api/chats/${chatId}/messages/${messageId}/feedback`, { feedback }).then(
        () => reloadChat(),
        (error: unknown) => toast.show(errorMessage(error), 'error'),
      );
    },
    [chatId, reloadChat, toast],
  );
  // On a phone the chat list is a drawer and the sources a sheet over the chat ("N sources" opens it).
  const narrow = useMediaQuery(NARROW_SCREEN);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const closeSidebar = useCallback(() => setSidebarOpen(false), []);
  const openSidebar = useCallback(() => setSidebarOpen(true), []);
  const [sheetOpen, setSheetOpen] = useState(false);
  const selectAnswer = useCallback(
    (key: string) => {
      setSelectedKey(key);
      if (narrow) setSheetOpen(true);
    },
    [narrow],
  );

  const onCite = useCallback((key: string, number: number) => {
    setSelectedKey(key);
    setOpenSource({ key, index: number - 1 });
  }, []);

  // Keep the newest text in view, unless the user scrolled up to read.
  const list = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const lastContent = messages.at(-1)?.content.length ?? 0;
  useEffect(() => {
    const node = list.current;
    if (node && pinned.current) node.scrollTop = node.scrollHeight;
  }, [messages.length, lastContent]);

  if (chat.isPending) return <Loading label="Loading the chat…" />;
  if (chat.isError) {
    const missing = chat.error instanceof ApiError && chat.error.isNotFound;
    return (
      <div className="page">
        <ErrorNotice
          title={missing ? 'This chat does not exist (any more)' : 'The chat could not be loaded'}
          error={chat.error}
          onRetry={missing ? undefined : () => void chat.refetch()}
        />
        <p>
          <Link to={paths.projects()}>Back to projects</Link>
        </p>
      </div>
    );
  }

  const data = chat.data;
  const projectModel = project.data ? ((projectOverrides(project.data).llm_model as string | undefined) ?? null) : null;
  return (
    <div className="chat-layout">
      <ChatSidebar projectId={data.project_id} currentChatId={chatId} open={sidebarOpen} onOpen={openSidebar} onClose={closeSidebar} />
      <section className="chat-main" aria-label="Conversation">
        <header className="chat-header">
          <button
            type="button"
            className="icon-button sidebar-toggle"
            aria-label="Chats"
            aria-controls="chat-sidebar"
            aria-expanded={sidebarOpen}
            onClick={() => setSidebarOpen(true)}
          >
            <ChatIcon />
          </button>
          <Link to={paths.project(data.project_id)} className="back-link" aria-label={`Back to ${project.data?.name ?? 'the project'}`}>
            <ArrowLeftIcon /> {project.data?.name ?? 'Project'}
          </Link>
          <h1 className="chat-title" title={data.title}>
            {data.title}
          </h1>
          <div className="chat-actions">
            <ChatModelPicker chatId={chatId} projectId={data.project_id} model={data.model ?? null} defaultModel={projectModel} />
            <a className="button small" href={chatExportUrl(chatId, 'markdown')} download>
              Export .md
            </a>
            <a className="button small" href={chatExportUrl(chatId, 'json')} download>
              Export .json
            </a>
          </div>
        </header>
        {deletedElsewhere ? (
          <div className="error-notice" role="alert">
            This chat was deleted in another window. <Link to={paths.project(data.project_id)}>Back to the project</Link>
          </div>
        ) : null}
        <div
          className="message-list"
          ref={list}
          onScroll={(event) => {
            const node = event.currentTarget;
            pinned.current = node.scrollHeight - node.scrollTop - node.clientHeight < 80;
          }}
          aria-live="off"
        >
          {messages.length === 0 ? (
            <EmptyState title="Ask your first question">
              Answers come from this project’s documents, with numbered citations you can open. Try “Summarise the main points” or “What
              does the contract say about termination?”
            </EmptyState>
          ) : (
            messages.map((message) => (
              <MessageView
                key={message.key}
                message={message}
                selected={selected?.key === message.key}
                onSelect={selectAnswer}
                onCite={onCite}
                onRegenerate={stream.isBusy || deletedElsewhere ? undefined : regenerate}
                onShowVersion={showVersion}
                onEdit={stream.isBusy || deletedElsewhere || !isConnected ? undefined : edit}
                onContinue={stream.isBusy || deletedElsewhere ? undefined : continueAnswer}
                onFeedback={deletedElsewhere ? undefined : giveFeedback}
              />
            ))
          )}
        </div>
        <Composer
          canSend={!deletedElsewhere}
          offline={!isConnected}
          busy={stream.isBusy}
          onSend={(text) => stream.send(text)}
          onStop={stream.stop}
          autoFocus
          note={<AnsweringModelNote chatModel={data.model ?? null} projectModel={projectModel} />}
        />
      </section>
      <aside className="sources-panel" aria-label="Sources">
        <h2>Sources</h2>
        {selected ? (
          <SourceList
            sources={selected.sources}
            onOpen={(index) => setOpenSource({ key: selected.key, index })}
            activeIndex={openSource?.key === selected.key ? openSource.index : null}
          />
        ) : (
          <p className="muted small">The passages an answer is based on appear here, numbered as the answer cites them.</p>
        )}
      </aside>
      {sheetOpen && narrow && selected ? (
        <Modal title={`Sources (${selected.sources.length})`} onClose={() => setSheetOpen(false)} variant="sheet">
          <SourceList
            sources={selected.sources}
            onOpen={(index) => {
              setSheetOpen(false);
              setOpenSource({ key: selected.key, index });
            }}
            activeIndex={null}
          />
        </Modal>
      ) : null}
      {openSource && openSourceValue ? (
        <SourceDialog source={openSourceValue} number={openSource.index + 1} onClose={() => setOpenSource(null)} />
      ) : null}
    </div>
  );
}
