import { useCallback, useEffect, useRef, useState } from 'react';
import type { MessageFinish, SendMessagePayload } from '../../protocol/socket-events.ts';
import type { Source } from '../../protocol/source.ts';
import { useConnectionManager } from '../lib/connection-context.tsx';
import type { ChatStreamEvent } from '../lib/socket.ts';

/**
 * The answer being generated in a chat, as this tab sees it:
 * `sending` (question emitted, not yet saved) → `waiting` (saved, no token yet: typing indicator)
 * → `streaming` → `finished` (complete, stopped or interrupted) or `failed`.
 */
export interface LiveAnswer {
  chatId: number;
  /** The question this tab sent, shown until the server's history has it. */
  question: string | null;
  userMessageId: number | null;
  /** Id of the assistant message being written (known from the first token). */
  messageId: number | null;
  content: string;
  sources: Source[];
  phase: 'sending' | 'waiting' | 'streaming' | 'finished' | 'failed';
  finish: MessageFinish | null;
  model: string | null;
  error: string | null;
  /** The connection dropped before the server confirmed the question: the history tells whether it arrived. */
  undelivered: boolean;
  /** A new version of an existing turn's answer (shown in that turn, not at the end). */
  regenerating?: boolean;
  /** An edited question: the id of the question it replaces (shown in its place, as a new branch). */
  editOf?: number | null;
  /** The model is going on with a saved answer (`messageId`); its first token is the text it had. */
  continuing?: boolean;
}

export type SendOptions = Omit<SendMessagePayload, 'chat_id' | 'message'>;

export interface ChatStream {
  answer: LiveAnswer | null;
  /** True from sending until the answer finished or failed. */
  isBusy: boolean;
  /** Sends a question; false when offline (nothing sent) or an answer is already running. */
  send(message: string, options?: SendOptions): boolean;
  /** Answers a question again: `messageId` is the answer to replace (or its question). */
  regenerate(messageId: number, questionId: number | null): boolean;
  /** Sends an edited question as a new branch in place of `questionId`. */
  edit(questionId: number, message: string): boolean;
  /** Lets the model go on writing a stopped answer. */
  continueAnswer(messageId: number, questionId: number | null): boolean;
  stop(): void;
  /** Follows an answer that is already being generated (after a reload): replayed from the start. */
  follow(messageId: number): void;
  /** Forgets a finished or failed answer (once the history shows it). */
  clear(): void;
}

/**
 * Streams a chat's answers: sends questions, accumulates tokens (each exactly once, across
 * reconnections), and tells `onSettled` when an answer ended so the caller reloads the history.
 */
export function useChatStream(
  chatId: number | null | undefined,
  callbacks: { onSettled?: (answer: LiveAnswer) => void; onReceived?: () => void } = {},
): ChatStream {
  const manager = useConnectionManager();
  const [answer, setAnswerState] = useState<LiveAnswer | null>(null);
  const answerRef = useRef<LiveAnswer | null>(null);
  const callbackRef = useRef(callbacks);
  callbackRef.current = callbacks;
  // The ref is the truth; the state mirrors it for rendering. Updates stay pure, side effects
  // (callbacks) run outside React's updaters.
  const setAnswer = useCallback((update: LiveAnswer | null | ((current: LiveAnswer | null) => LiveAnswer | null)) => {
    const next = typeof update === 'function' ? update(answerRef.current) : update;
    answerRef.current = next;
    setAnswerState(next);
    return next;
  }, []);

  useEffect(() => {
    setAnswer(null);
    if (!chatId) return;
    // Pending tokens are applied once per animation frame: a burst replayed after a reconnection
    // then costs one render, not hundreds.
    let pending = '';
    let frame: number | null = null;
    const flush = () => {
      frame = null;
      if (!pending) return;
      const text = pending;
      pending = '';
      setAnswer((current) => (current ? { ...current, content: current.content + text } : current));
    };
    const flushNow = () => {
      if (frame !== null) cancelAnimationFrame(frame);
      flush();
    };

    const unsubscribe = manager.subscribeChat(chatId, (event: ChatStreamEvent) => {
      switch (event.type) {
        case 'received':
          setAnswer((current) => ({
            ...(current ?? emptyAnswer(chatId)),
            userMessageId: event.userMessageId,
            phase: current?.phase === 'streaming' ? 'streaming' : 'waiting',
          }));
          callbackRef.current.onReceived?.();
          return;
        case 'sources':
          setAnswer((current) => ({ ...(current ?? emptyAnswer(chatId, 'waiting')), sources: event.sources }));
          return;
        case 'token':
          setAnswer((current) => {
            const base = current ?? emptyAnswer(chatId, 'streaming');
            if (base.phase === 'streaming' && base.messageId === event.messageId) return base;
            return { ...base, messageId: event.messageId, phase: 'streaming' };
          });
          pending += event.token;
          frame ??= requestAnimationFrame(flush);
          return;
        case 'complete': {
          flushNow();
          const { complete } = event;
          const next = setAnswer((current) => ({
            ...(current ?? emptyAnswer(chatId)),
            messageId: complete.message_id,
            phase: 'finished',
            finish: complete.metadata.status ?? (complete.metadata.stopped ? 'stopped' : 'complete'),
            model: complete.metadata.model,
          }));
          if (next) callbackRef.current.onSettled?.(next);
          return;
        }
        case 'unconfirmed': {
          flushNow();
          const next = setAnswer((current) => ({
            ...(current ?? emptyAnswer(chatId)),
            phase: 'failed',
            finish: 'failed',
            undelivered: true,
          }));
          if (next) callbackRef.current.onSettled?.(next);
          return;
        }
        case 'error':
        case 'resume-failed': {
          flushNow();
          const next = setAnswer((current) => ({
            ...(current ?? emptyAnswer(chatId)),
            phase: 'failed',
            finish: 'failed',
            error: event.type === 'error' ? event.message : null,
            // The failed answer's saved row, so it is shown once (merged with it), not twice.
            ...(event.type === 'error' && event.messageId !== undefined ? { messageId: event.messageId } : {}),
          }));
          if (next) callbackRef.current.onSettled?.(next);
          return;
        }
        default:
          assertNever(event);
      }
    });
    return () => {
      unsubscribe();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [manager, chatId, setAnswer]);

  const send = useCallback(
    (message: string, options: SendOptions = {}) => {
      if (!chatId || manager.isStreaming(chatId)) return false;
      const sent = manager.sendMessage({ ...options, chat_id: chatId, message });
      if (sent) setAnswer({ ...emptyAnswer(chatId, 'sending'), question: message });
      return sent;
    },
    [manager, chatId, setAnswer],
  );

  const regenerate = useCallback(
    (messageId: number, questionId: number | null) => {
      if (!chatId || manager.isStreaming(chatId)) return false;
      const sent = manager.regenerate({ chat_id: chatId, message_id: messageId });
      if (sent) setAnswer({ ...emptyAnswer(chatId, 'sending'), userMessageId: questionId, regenerating: true });
      return sent;
    },
    [manager, chatId, setAnswer],
  );

  const edit = useCallback(
    (questionId: number, message: string) => {
      if (!chatId || manager.isStreaming(chatId)) return false;
      const sent = manager.editMessage({ chat_id: chatId, message_id: questionId, message });
      if (sent) setAnswer({ ...emptyAnswer(chatId, 'sending'), question: message, editOf: questionId });
      return sent;
    },
    [manager, chatId, setAnswer],
  );

  const continueAnswer = useCallback(
    (messageId: number, questionId: number | null) => {
      if (!chatId || manager.isStreaming(chatId)) return false;
      const sent = manager.continueMessage({ chat_id: chatId, message_id: messageId });
      if (sent) setAnswer({ ...emptyAnswer(chatId, 'sending'), messageId, userMessageId: questionId, continuing: true });
      return sent;
    },
    [manager, chatId, setAnswer],
  );

  const stop = useCallback(() => {
    if (chatId) manager.stopGeneration(chatId);
  }, [manager, chatId]);

  const follow = useCallback(
    (messageId: number) => {
      if (!chatId || manager.isStreaming(chatId)) return;
      setAnswer({ ...emptyAnswer(chatId, 'waiting'), messageId });
      manager.resume(chatId, 0);
    },
    [manager, chatId, setAnswer],
  );

  const clear = useCallback(() => setAnswer((current) => (current && isSettled(current) ? null : current)), [setAnswer]);

  return {
    answer,
    isBusy: answer !== null && !isSettled(answer),
    send,
    regenerate,
    edit,
    continueAnswer,
    stop,
    follow,
    clear,
  };
}

export function isSettled(answer: LiveAnswer): boolean {
  return answer.phase === 'finished' || answer.phase === 'failed';
}

function emptyAnswer(chatId: number, phase: LiveAnswer['phase'] = 'waiting'): LiveAnswer {
  return {
    chatId,
    question: null,
    userMessageId: null,
    messageId: null,
    content: '',
    sources: [],
    phase,
    finish: null,
    model: null,
    error: null,
    undelivered: false,
    regenerating: false,
  };
}

function assertNever(value: never): never {
  throw new Error(`unexpected chat event ${JSON.stringify(value)}`);
}
