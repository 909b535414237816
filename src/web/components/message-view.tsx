import { memo, useCallback, useState } from 'react';
import type { DisplayMessage } from '../lib/visible-messages.ts';
import { formatRelativeTime } from '../lib/format.ts';
import { AnswerMarkdown } from './answer-markdown.tsx';
import { CopyIcon, PencilIcon, RetryIcon, ThumbDownIcon, ThumbUpIcon } from './icons.tsx';
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
  onEdit,
  onContinue,
  onFeedback,
}: {
  message: DisplayMessage;
  selected: boolean;
  onSelect: (key: string) => void;
  onCite: (key: string, sourceNumber: number) => void;
  /** Set when this answer may be generated again now (no answer is running in the chat). */
  onRegenerate?: (message: DisplayMessage) => void;
  /** Shows another version of this answer's turn, or another branch of this question. */
  onShowVersion?: (messageId: number) => void;
  /** Set when this question may be edited now: the new text is sent as a new branch. */
  onEdit?: (message: DisplayMessage, text: string) => void;
  /** Set when this answer may be continued now (it stopped before its end). */
  onContinue?: (message: DisplayMessage) => void;
  /** Thumbs up / down (null clears). */
  onFeedback?: (messageId: number, feedback: 'up' | 'down' | null) => void;
}) {
  const toast = useToast();
  const cite = useCallback((number: number) => onCite(message.key, number), [onCite, message.key]);
  const [draft, setDraft] = useState<string | null>(null);

  const copy = () => {
    const what = message.role === 'assistant' ? 'Answer' : 'Question';
    const done = navigator.clipboard?.writeText(message.content);
    if (!done) {
      toast.show('Copying is not available in this browser', 'error');
      return;
    }
    done.then(
      () => toast.show(`${what} copied`, 'success'),
      () => toast.show('Could not copy: the browser refused access to the clipboard', 'error'),
    );
  };

  if (message.role !== 'assistant') {
    const saved = message.id !== null && message.status === 'complete';
    if (draft !== null) {
      const submit = () => {
        const text = draft.trim();
        if (!text || !onEdit) return;
        onEdit(message, text);
        setDraft(null);
      };
      return (
        <article className="message message-user message-editing" aria-label="Question">
          <form
            className="edit-question"
            onSubmit={(event) => {
              event.preventDefault();
              submit();
            }}
          >
            <label className="visually-hidden" htmlFor={`edit-${message.key}`}>
              Edit your question
            </label>
            <textarea
              id={`edit-${message.key}`}
              value={draft}
              rows={Math.min(8, Math.max(2, draft.split('\n').length))}
              // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this question
              autoFocus
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  event.preventDefault();
                  setDraft(null);
                } else if (event.key === 'Enter' && !event.shiftKey) {
                  event.preventDefault();
                  submit();
                }
              }}
            />
            <div className="edit-actions">
              <button type="button" className="button small" onClick={() => setDraft(null)}>
                Cancel
              </button>
              <button type="submit" className="button small primary" disabled={!draft.trim() || !onEdit}>
                Send edited question
              </button>
            </div>
          </form>
        </article>
      );
    }
    return (
      <article
        className={`message message-user${message.status === 'sending' ? ' message-sending' : ''}`}
        aria-label="Question"
        data-message-id={message.id ?? undefined}
      >
        <div className="bubble">{message.content}</div>
        {message.status === 'sending' ? <span className="message-note">Sending…</span> : null}
        {message.status === 'undelivered' ? (
          <span className="message-note warn" role="alert">
            Not delivered: the connection dropped while sending. Send it again.
          </span>
        ) : null}
        <div className="message-footer message-footer-user">
          {message.versions ? (
            <VersionNav versions={message.versions} label="Question versions" onShow={saved ? onShowVersion : undefined} />
          ) : null}
          {saved ? (
            <button type="button" className="icon-button small" onClick={copy} aria-label="Copy question" title="Copy question">
              <CopyIcon />
            </button>
          ) : null}
          {saved && onEdit ? (
            <button
              type="button"
              className="icon-button small"
              onClick={() => setDraft(message.content)}
              aria-label="Edit question"
              title="Edit and send again (the current branch stays as a version)"
            >
              <PencilIcon />
            </button>
          ) : null}
        </div>
      </article>
    );
  }

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
        {message.versions ? (
          <VersionNav versions={message.versions} label="Answer versions" onShow={busy ? undefined : onShowVersion} />
        ) : null}
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
        {onContinue && !busy && message.id !== null && canContinue(message) ? (
          <button
            type="button"
            className="link-button"
            onClick={() => onContinue(message)}
            aria-label="Continue: write on from where the answer stopped"
            title="The model goes on writing this answer"
          >
            Continue
          </button>
        ) : null}
        {onFeedback && !busy && message.id !== null && message.status !== 'typing' ? (
          <span className="feedback-buttons" role="group" aria-label="Feedback">
            <button
              type="button"
              className="icon-button small"
              aria-pressed={message.feedback === 'up'}
              aria-label="Good answer"
              title="Good answer"
              onClick={() => onFeedback(message.id!, message.feedback === 'up' ? null : 'up')}
            >
              <ThumbUpIcon />
            </button>
            <button
              type="button"
              className="icon-button small"
              aria-pressed={message.feedback === 'down'}
              aria-label="Bad answer"
              title="Bad answer"
              onClick={() => onFeedback(message.id!, message.feedback === 'down' ? null : 'down')}
            >
              <ThumbDownIcon />
            </button>
          </span>
        ) : null}
        {message.model ? <span className="muted small">{message.model}</span> : null}
        {message.createdAt ? <span className="muted small">{formatRelativeTime(message.createdAt)}</span> : null}
      </div>
    </article>
  );
});

/** An answer that ended before its end: stopped, interrupted, failed with text, or cut at a limit; never a quote. */
export function canContinue(message: DisplayMessage): boolean {
  if (!message.content.trim() || message.model === 'extractive' || message.model === 'documents_only') return false;
  if (message.status === 'stopped' || message.status === 'interrupted' || message.status === 'failed') return true;
  return message.status === 'complete' && message.error !== null;
}

/** "‹ 2 / 3 ›": which version of an answer (or branch of a question) is shown, and the way to the others. */
function VersionNav({
  versions,
  label,
  onShow,
}: {
  versions: { ids: number[]; index: number };
  label: string;
  onShow?: (messageId: number) => void;
}) {
  const { ids, index } = versions;
  const previous = ids[index - 1];
  const next = ids[index + 1];
  return (
    <span className="version-nav" role="group" aria-label={label}>
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
