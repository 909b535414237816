import type { ChatResponse } from '../../protocol/rest.ts';
import { chatExportUrl } from '../api/chats.ts';
import { formatRelativeTime, plural } from '../lib/format.ts';
import { Link, paths } from '../lib/router.tsx';
import { DownloadIcon, PencilIcon, TrashIcon } from './icons.tsx';

/**
 * One chat in a list of chats: its title (a link to it), the matching text when the list is a
 * search, and rename / delete buttons named after the chat. The project page's list (`panel`) also
 * shows the message count and offers the exports; the chat page's sidebar (`sidebar`) marks the open
 * chat `aria-current` and is narrow, so it shows the snippet in place of the time.
 */
export function ChatRow({
  chat,
  variant,
  snippet,
  query = '',
  current = false,
  onOpen,
  onRename,
  onDelete,
}: {
  chat: ChatResponse;
  variant: 'panel' | 'sidebar';
  /** The matching text of a search result. */
  snippet?: string | null;
  /** The search, marked in the snippet. */
  query?: string;
  current?: boolean;
  /** Called when the link is followed (the sidebar closes its drawer). */
  onOpen?: () => void;
  onRename: (chat: ChatResponse) => void;
  onDelete: (chat: ChatResponse) => void;
}) {
  const sidebar = variant === 'sidebar';
  const classes = sidebar
    ? {
        item: `sidebar-chat${current ? ' current' : ''}`,
        link: 'sidebar-chat-link',
        title: 'sidebar-chat-title',
        snippet: 'sidebar-chat-snippet',
        actions: 'sidebar-chat-actions',
      }
    : { item: 'chat-item', link: 'chat-link', title: 'chat-item-title', snippet: 'chat-item-snippet', actions: 'chat-item-actions' };
  const snippetLine = snippet ? (
    <span className={classes.snippet}>
      <Highlight text={snippet} query={query.trim()} />
    </span>
  ) : null;
  const time = formatRelativeTime(chat.updated_at);
  return (
    <li className={classes.item} data-chat-id={chat.id}>
      <Link to={paths.chat(chat.id)} className={classes.link} aria-current={current ? 'page' : undefined} onClick={onOpen}>
        <span className={classes.title}>{chat.title}</span>
        {sidebar ? (
          (snippetLine ?? <span className="muted small">{time}</span>)
        ) : (
          <>
            {snippetLine}
            <span className="muted small">
              {plural(chat.message_count, 'message')} · {time}
            </span>
          </>
        )}
      </Link>
      <span className={classes.actions}>
        <button
          type="button"
          className="icon-button small"
          aria-label={`Rename ${chat.title}`}
          title="Rename"
          onClick={() => onRename(chat)}
        >
          <PencilIcon />
        </button>
        {sidebar ? null : (
          <>
            <a
              className="icon-button small"
              href={chatExportUrl(chat.id, 'markdown')}
              download
              aria-label={`Export ${chat.title} as Markdown`}
              title="Export as Markdown"
            >
              <DownloadIcon />
              <span className="icon-caption">MD</span>
            </a>
            <a
              className="icon-button small"
              href={chatExportUrl(chat.id, 'json')}
              download
              aria-label={`Export ${chat.title} as JSON`}
              title="Export as JSON"
            >
              <DownloadIcon />
              <span className="icon-caption">JSON</span>
            </a>
          </>
        )}
        <button
          type="button"
          className="icon-button small"
          aria-label={`Delete ${chat.title}`}
          title="Delete"
          onClick={() => onDelete(chat)}
        >
          <TrashIcon />
        </button>
      </span>
    </li>
  );
}

/** The snippet with each occurrence of the query marked (text only: React escapes it). */
export function Highlight({ text, query }: { text: string; query: string }) {
  if (!query) return <>{text}</>;
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  const parts: Array<{ text: string; hit: boolean }> = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1 && needle; at = lower.indexOf(needle, from)) {
    if (at > from) parts.push({ text: text.slice(from, at), hit: false });
    parts.push({ text: text.slice(at, at + needle.length), hit: true });
    from = at + needle.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), hit: false });
  return (
    <>
      {parts.map((part, index) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string, in order
        part.hit ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>,
      )}
    </>
  );
}
