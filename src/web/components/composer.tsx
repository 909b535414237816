import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { MAX_MESSAGE_CHARS } from '../../protocol/limits.ts';
import { SendIcon, StopIcon } from './icons.tsx';

/**
 * The question box. Enter sends, Shift+Enter adds a line. While offline the text stays and the send
 * button is disabled with the reason shown; nothing is dropped. While an answer streams, Stop.
 */
export function Composer({
  canSend,
  offline,
  busy,
  onSend,
  onStop,
  autoFocus = false,
  note,
}: {
  canSend: boolean;
  offline: boolean;
  busy: boolean;
  onSend: (text: string) => boolean;
  onStop: () => void;
  autoFocus?: boolean;
  /** Under the box: what will answer. */
  note?: ReactNode;
}) {
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const trimmed = text.trim();
  const tooLong = text.length > MAX_MESSAGE_CHARS;
  const sendable = canSend && !busy && !offline && trimmed.length > 0 && !tooLong;

  useEffect(() => {
    const node = area.current;
    if (!node) return;
    node.style.height = 'auto';
    node.style.height = `${Math.min(node.scrollHeight, 240)}px`;
  }, [text]);

  useEffect(() => {
    if (autoFocus) area.current?.focus();
  }, [autoFocus]);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!sendable) return;
    if (onSend(trimmed)) setText('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  const hint = offline
    ? 'Offline: your text stays here and can be sent once the connection is back.'
    : tooLong
      ? `Too long: ${text.length.toLocaleString()} of ${MAX_MESSAGE_CHARS.toLocaleString()} characters.`
      : 'Enter to send, Shift+Enter for a new line.';

  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={`${hintId}-input`} className="visually-hidden">
        Your question
      </label>
      <textarea
        id={`${hintId}-input`}
        ref={area}
        value={text}
        rows={1}
        placeholder="Ask about your documents…"
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={hintId}
        aria-invalid={tooLong || undefined}
      />
      {busy ? (
        <button type="button" className="button danger composer-button" onClick={onStop} disabled={offline} aria-label="Stop the answer">
          <StopIcon /> Stop
        </button>
      ) : (
        <button type="submit" className="button primary composer-button" disabled={!sendable} aria-label="Send">
          <SendIcon /> Send
        </button>
      )}
      <p id={hintId} className={`composer-hint${offline || tooLong ? ' warn' : ''}`}>
        {hint}
      </p>
      {note}
    </form>
  );
}
