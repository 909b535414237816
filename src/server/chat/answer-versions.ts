import type { MessageRecord } from '../store/store.ts';

/**
 * The conversation as shown: each question followed by the active version of its answer. An answer
 * belongs to its question by `parentId`; an older answer without one belongs to the question right
 * before it. A regenerated answer has a later id than the turns after it, so id order alone is not
 * the conversation.
 */
export function activeThread(messages: MessageRecord[]): MessageRecord[] {
  const answers = new Map<number, MessageRecord>();
  let lastQuestion: MessageRecord | undefined;
  for (const message of messages) {
    if (message.role === 'user') {
      lastQuestion = message;
      continue;
    }
    if (message.role !== 'assistant' || !message.active) continue;
    const questionId = message.parentId ?? lastQuestion?.id;
    if (questionId === undefined) continue;
    // Of several active versions (not possible through the service), the newest wins.
    answers.set(questionId, message);
  }
  const thread: MessageRecord[] = [];
  for (const message of messages) {
    if (message.role !== 'user') continue;
    thread.push(message);
    const answer = answers.get(message.id);
    if (answer) thread.push(answer);
  }
  return thread;
}

/** The question an answer (or a question itself) belongs to, among a chat's messages in id order. */
export function questionOf(messages: MessageRecord[], messageId: number): MessageRecord | undefined {
  const index = messages.findIndex((message) => message.id === messageId);
  const target = messages[index];
  if (!target) return undefined;
  if (target.role === 'user') return target;
  if (target.parentId !== null) return messages.find((message) => message.id === target.parentId);
  for (let back = index - 1; back >= 0; back -= 1) {
    if (messages[back]!.role === 'user') return messages[back];
  }
  return undefined;
}

/** The shown conversation before a question (its earlier turns, with their active answers). */
export function turnsBefore(messages: MessageRecord[], questionId: number): MessageRecord[] {
  const thread = activeThread(messages);
  const index = thread.findIndex((message) => message.id === questionId);
  return index < 0 ? thread : thread.slice(0, index);
}
