import { memo, useCallback } from 'react';
import type { DisplayMessage } from '../lib/visible-messages.ts';
import { formatRelativeTime } from '../lib/format.ts';
import { AnswerMarkdown } from './answer-markdown.tsx';
import { CopyIcon, RetryIcon } from './icons.tsx';
import { ModelHintText } from './model-hint-text.tsx';
import { useToast } from './toasts.tsx';

const STATUS_NOTES: Partial<Record<DisplayMessage['status'], string>> = {
  stopped: 'Stopped',
  interrupted: 'Interrupted before the end',
  failed: 'Failed',
};

/** One message: the user's as plain text, the assistant's as Markdown with citations. */
export const MessageView = memo(function MessageView({
  message,
  selected,
  onSelect,
  onCite,
  onRegenerate,
  onShowVersion,
}: {
  message: DisplayMessage;
  selected: boolean;
  onSelect: (key: string) => void;
  onCite: (key: string, sourceNumber: number) => void;
  /** Set when this answer may be generated again now (no answer is running in the chat). */
  onRegenerate?: (message: DisplayMessage) => void;
  /** Shows another version of this answer's turn. */
  onShowVersion?: (messageId: number) => void;
}) {
  const toast = useToast();
  const cite = useCallback((number: number) => onCite(message.key, number), [onCite, message.key]);

  if (message.role !== 'assistant') {
    return (
      <article className={`message message-user${message.status === 'sending' ? ' message-sending' : ''}`} aria-label="Question">
        <div className="bubble">{message.content}</div>
        {message.status === 'sending' ? <span className="message-note">Sending…</span> : null}
        {message.status === 'undelivered' ? (
          <span className="message-note warn" role="alert">
            Not delivered: the connection dropped while sending. Send it again.
          </span>
        ) : null}
      </article>
    );
  }

  const copy = () => {
    const done = navigator.clipboard?.writeText(message.content);
    if (!done) {
      toast.show('Copying is not available in this browser', 'error');
      return;
    }
    done.then(
      () => toast.show('Answer copied', 'success'),
      () => toast.show('Could not copy: the browser refused access to the clipboard', 'error'),
    );
  };

  const note = STATUS_NOTES[message.status];
  const busy = message.status === 'typing' || message.status === 'streaming';
  return (
    <article
      className={`message message-assistant${selected ? ' selected' : ''}`}
      aria-label="Answer"
      aria-busy={busy}
      data-status={message.status}
      data-message-id={message.id ?? undefined}
    >
      <div className="bubble">
        {message.status === 'typing' ? (
          <div className="typing" role="status" aria-label="The assistant is writing">
            <span />
            <span />
            <span />
          </div>
        ) : (
          <AnswerMarkdown text={message.content} sources={message.sources} onCite={cite} />
        )}
        {message.error ? (
          <p className="message-error" role="alert">
            <ModelHintText text={message.error} />
          </p>
        ) : null}
      </div>
      <div className="message-footer">
        {message.versions ? <VersionNav versions={message.versions} onShow={busy ? undefined : onShowVersion} /> : null}
        {note ? <span className={`badge badge-${message.status}`}>{note}</span> : null}
        {message.status === 'streaming' ? <span className="badge badge-live">Writing…</span> : null}
        {message.sources.length > 0 ? (
          <button type="button" className="link-button" onClick={() => onSelect(message.key)} aria-pressed={selected}>
            {message.sources.length} source{message.sources.length === 1 ? '' : 's'}
          </button>
        ) : null}
        {message.content && !busy ? (
          <button type="button" className="icon-button small" onClick={copy} aria-label="Copy answer" title="Copy answer">
            <CopyIcon />
          </button>
        ) : null}
        {onRegenerate && !busy && message.id !== null ? (
          <button
            type="button"
            className="link-button"
            onClick={() => onRegenerate(message)}
            aria-label={message.status === 'failed' ? 'Retry: answer again' : 'Regenerate: answer again'}
            title="Answer again (the current answer stays as a version)"
          >
            <RetryIcon /> {message.status === 'failed' ? 'Retry' : 'Regenerate'}
          </button>
        ) : null}
        {message.model ? <span className="muted small">{message.model}</span> : null}
        {message.createdAt ? <span className="muted small">{formatRelativeTime(message.createdAt)}</span> : null}
      </div>
    </article>
  );
});

/** "‹ 2 / 3 ›": which version of the turn's answer is shown, and the way to the others. */
function VersionNav({ versions, onShow }: { versions: { ids: number[]; index: number }; onShow?: (messageId: number) => void }) {
  const { ids, index } = versions;
  const previous = ids[index - 1];
  const next = ids[index + 1];
  return (
    <span className="version-nav" role="group" aria-label="Answer versions">
      <button
        type="button"
        className="icon-button small"
        disabled={!onShow || previous === undefined || previous < 0}
        onClick={() => previous !== undefined && onShow?.(previous)}
        aria-label="Previous version"
      >
        ‹
      </button>
      <span className="small" aria-live="polite">
        {index + 1} / {ids.length}
      </span>
      <button
        type="button"
        className="icon-button small"
        disabled={!onShow || next === undefined || next < 0}
        onClick={() => next !== undefined && onShow?.(next)}
        aria-label="Next version"
      >
        ›
      </button>
    </span>
  );
}
