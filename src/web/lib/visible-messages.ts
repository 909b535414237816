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
  /** The versions of this answer, or branches of this question (ids, oldest first; -1: not saved yet), and which one this is (0-based). */
  versions?: { ids: number[]; index: number };
  feedback?: 'up' | 'down' | null;
}

/**
 * The saved history as shown: the message tree's active path. An answer's parent is its question, a
 * question's the message it follows (an edited question is a sibling of its original); among
 * siblings the active one is shown, and `siblings` are the others (versions of an answer, branches
 * of a question), oldest first. An answer without `parent_id` (an older server) belongs to the
 * question before it.
 */
export function threadOf(history: MessageResponse[]): Array<{ message: MessageResponse; siblings: number[] }> {
  const parentOf = new Map<number, number | null>();
  let lastQuestion: number | null = null;
  for (const message of history) {
    if (message.role === 'user') {
      parentOf.set(message.id, message.parent_id ?? null);
      lastQuestion = message.id;
    } else {
      parentOf.set(message.id, message.parent_id ?? lastQuestion);
    }
  }
  const children = new Map<number | null, MessageResponse[]>();
  for (const message of history) {
    const parent = parentOf.get(message.id) ?? null;
    const list = children.get(parent) ?? [];
    list.push(message);
    children.set(parent, list);
  }
  // The newest active child; an older server without `active` shows the latest.
  const activeOf = (list: MessageResponse[] | undefined) =>
    list ? (list.findLast((message) => message.active !== false) ?? list.at(-1)) : undefined;
  const thread: Array<{ message: MessageResponse; siblings: number[] }> = [];
  const seen = new Set<number>();
  for (let node = activeOf(children.get(null)); node && !seen.has(node.id); node = activeOf(children.get(node.id))) {
    seen.add(node.id);
    thread.push({ message: node, siblings: (children.get(parentOf.get(node.id) ?? null) ?? []).map((sibling) => sibling.id) });
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
  const messages: DisplayMessage[] = thread.map(({ message, siblings }) => ({
    key: `m${message.id}`,
    questionId: questionOfAnswer.get(message.id) ?? null,
    ...(siblings.length > 1 ? { versions: { ids: siblings, index: siblings.indexOf(message.id) } } : {}),
    feedback: message.feedback ?? null,
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
  // An edited question: a new branch in its original's place; what followed the original is not on it.
  const editedIndex = live.editOf == null ? -1 : messages.findIndex((message) => message.id === live.editOf);
  if (live.question !== null && !userSaved && editedIndex >= 0) {
    const original = messages[editedIndex]!;
    const ids = original.versions?.ids ?? [live.editOf!];
    messages.splice(editedIndex);
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
      versions: { ids: [...ids, live.userMessageId ?? -1], index: ids.length },
    });
  } else if (live.question !== null && !userSaved) {
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
      ? live.continuing
        ? 'streaming'
        : 'typing'
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
      // A new version starts a new branch: the turns after the old one are not on it.
      messages.splice(questionIndex + 1, messages.length, liveMessage);
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
