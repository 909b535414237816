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
  /** An answer's question (for Regenerate). */
  questionId?: number | null;
  /** The versions of this answer's turn (ids, oldest first) and which one this is (0-based). */
  versions?: { ids: number[]; index: number };
}

/**
 * The saved history as shown: each question, then the active version of its answer (a regenerated
 * answer has a later id than the turns after it). Answers without `parent_id` (older rows) belong to
 * the question before them.
 */
export function threadOf(history: MessageResponse[]): Array<{ message: MessageResponse; versions: number[] }> {
  const versionsByQuestion = new Map<number, MessageResponse[]>();
  let lastQuestion: number | null = null;
  for (const message of history) {
    if (message.role === 'user') {
      lastQuestion = message.id;
      continue;
    }
    const questionId = message.parent_id ?? lastQuestion;
    if (questionId === null || questionId === undefined) continue;
    const list = versionsByQuestion.get(questionId) ?? [];
    list.push(message);
    versionsByQuestion.set(questionId, list);
  }
  const thread: Array<{ message: MessageResponse; versions: number[] }> = [];
  for (const message of history) {
    if (message.role !== 'user') continue;
    thread.push({ message, versions: [] });
    const versions = versionsByQuestion.get(message.id) ?? [];
    // The active version; an older server without `active` shows the latest.
    const shown = [...versions].reverse().find((version) => version.active !== false) ?? versions.at(-1);
    if (shown) thread.push({ message: shown, versions: versions.map((version) => version.id) });
  }
  return thread;
}

/**
 * The chat as the user should see it: the saved history, with the answer being streamed laid over
 * its saved (partial) row, plus the question and answer this tab sent that the history does not
 * show yet. Each message appears once.
 */
export function visibleMessages(history: MessageResponse[], live: LiveAnswer | null): DisplayMessage[] {
  const thread = threadOf(history);
  const questionOfAnswer = new Map<number, number>();
  thread.forEach((entry, index) => {
    const before = thread[index - 1];
    if (entry.message.role === 'assistant' && before) questionOfAnswer.set(entry.message.id, before.message.id);
  });
  const messages: DisplayMessage[] = thread.map(({ message, versions }) => ({
    key: `m${message.id}`,
    questionId: questionOfAnswer.get(message.id) ?? null,
    ...(versions.length > 1 ? { versions: { ids: versions, index: versions.indexOf(message.id) } } : {}),
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
    // Except for text the user has already seen: a crash saves the last checkpoint, older than the screen.
    if (saved.status !== 'streaming' && (live.phase === 'finished' || live.phase === 'failed')) {
      if (keepsSeenText(saved.content, live.content)) messages[savedIndex] = { ...saved, content: live.content };
      return messages;
    }
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
  // A new version of an existing turn: shown in that turn, as its last version.
  if (live.regenerating && live.userMessageId !== null) {
    const questionIndex = messages.findIndex((message) => message.id === live.userMessageId && message.role === 'user');
    if (questionIndex >= 0) {
      const current = messages[questionIndex + 1];
      const hasAnswer = current?.role === 'assistant';
      const ids = hasAnswer ? (current.versions?.ids ?? (current.id !== null ? [current.id] : [])) : [];
      const liveMessage: DisplayMessage = {
        key: 'live-answer',
        id: live.messageId,
        role: 'assistant',
        content: live.content,
        sources: live.sources,
        status: liveStatus,
        error: live.error,
        model: live.model,
        createdAt: null,
        questionId: live.userMessageId,
        versions: { ids: [...ids, live.messageId ?? -1], index: ids.length },
      };
      messages.splice(questionIndex + 1, hasAnswer ? 1 : 0, liveMessage);
      return messages;
    }
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

/** The live text continues the saved one and is longer: the screen had more than the server kept. */
export function keepsSeenText(saved: string, live: string): boolean {
  return live.length > saved.length && live.startsWith(saved);
}
