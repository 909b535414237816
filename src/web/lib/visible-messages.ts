import type { MessageRole, MessageStatus } from '../../protocol/messages.ts';
import type { MessageResponse } from '../../protocol/rest.ts';
import type { Source } from '../../protocol/source.ts';
import type { LiveAnswer } from '../hooks/use-chat-stream.ts';

export interface DisplayMessage {
  key: string;
  id: number | null;
  role: MessageRole;
  content: string;
  sources: Source[];
  /** `typing` until the first token; then the saved statuses. `undelivered`: a question lost on the way. */
  status: 'sending' | 'undelivered' | 'typing' | MessageStatus;
  error: string | null;
  model: string | null;
  createdAt: string | null;
}

/**
 * The chat as the user should see it: the saved history, with the answer being streamed laid over
 * its saved (partial) row, plus the question and answer this tab sent that the history does not
 * show yet. Each message appears once.
 */
export function visibleMessages(history: MessageResponse[], live: LiveAnswer | null): DisplayMessage[] {
  const messages: DisplayMessage[] = history.map((message) => ({
    key: `m${message.id}`,
    id: message.id,
    role: message.role,
    content: message.content,
    sources: message.sources ?? [],
    status: message.status,
    error: message.error,
    model: message.model_name,
    createdAt: message.created_at,
  }));
  if (!live) return messages;

  if (live.undelivered) {
    // The history decides: the question is there (it arrived; its answer shows or is followed), or not.
    const lastQuestion = [...history].reverse().find((message) => message.role === 'user');
    if (live.question === null || lastQuestion?.content === live.question.trim()) return messages;
    messages.push({
      key: 'live-question',
      id: null,
      role: 'user',
      content: live.question,
      sources: [],
      status: 'undelivered',
      error: null,
      model: null,
      createdAt: null,
    });
    return messages;
  }

  const userSaved = live.userMessageId !== null && history.some((message) => message.id === live.userMessageId);
  if (live.question !== null && !userSaved) {
    messages.push({
      key: 'live-question',
      id: live.userMessageId,
      role: 'user',
      content: live.question,
      sources: [],
      status: live.phase === 'sending' ? 'sending' : 'complete',
      error: null,
      model: null,
      createdAt: null,
    });
  }

  const liveStatus: DisplayMessage['status'] =
    live.phase === 'sending' || live.phase === 'waiting'
      ? 'typing'
      : live.phase === 'streaming'
        ? 'streaming'
        : live.phase === 'failed'
          ? 'failed'
          : (live.finish ?? 'complete');
  const savedIndex = live.messageId === null ? -1 : messages.findIndex((message) => message.id === live.messageId);
  if (savedIndex >= 0) {
    const saved = messages[savedIndex]!;
    // Once the history holds the final row, it is the truth; until then the live text is newer.
    if (saved.status === 'streaming' || !(live.phase === 'finished' || live.phase === 'failed')) {
      messages[savedIndex] = {
        ...saved,
        content: live.content || saved.content,
        sources: live.sources.length ? live.sources : saved.sources,
        status: liveStatus,
        error: live.error ?? saved.error,
      };
    }
    return messages;
  }
  // A resume that found nothing to follow has nothing to show: the reloaded history says it all.
  if (live.phase === 'failed' && !live.content && !live.error) return messages;
  messages.push({
    key: 'live-answer',
    id: live.messageId,
    role: 'assistant',
    content: live.content,
    sources: live.sources,
    status: liveStatus,
    error: live.error,
    model: live.model,
    createdAt: null,
  });
  return messages;
}
