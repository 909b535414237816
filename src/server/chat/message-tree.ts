import type { MessageRecord } from '../store/store.ts';

/**
 * A chat is a tree of messages: an answer's parent is its question, a question's the message it
 * follows (none for a first question), and an edited question is a sibling of its original. Among
 * siblings one is active; the conversation shown, and sent to the model as history, is the path of
 * active children from the active first question down. Answer versions (regenerate) are siblings
 * under a question; branches (edit) are siblings under an answer, or first questions.
 */

function children(messages: MessageRecord[]): Map<number | null, MessageRecord[]> {
  const byParent = new Map<number | null, MessageRecord[]>();
  for (const message of messages) {
    const list = byParent.get(message.parentId) ?? [];
    list.push(message);
    byParent.set(message.parentId, list);
  }
  return byParent;
}

/** The active one of some siblings (in id order): the newest active, else the newest. */
function activeOf(siblings: MessageRecord[] | undefined): MessageRecord | undefined {
  if (!siblings || siblings.length === 0) return undefined;
  return siblings.findLast((message) => message.active) ?? siblings.at(-1);
}

/** The conversation as shown: the active path from the first question down. `messages` in id order. */
export function activePath(messages: MessageRecord[]): MessageRecord[] {
  const byParent = children(messages);
  const path: MessageRecord[] = [];
  const seen = new Set<number>();
  for (let node = activeOf(byParent.get(null)); node && !seen.has(node.id); node = activeOf(byParent.get(node.id))) {
    seen.add(node.id);
    path.push(node);
  }
  return path;
}

/** The messages above one, from the first question down to its parent (the history it was asked or answered with). */
export function ancestorsOf(messages: MessageRecord[], messageId: number): MessageRecord[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const path: MessageRecord[] = [];
  const seen = new Set<number>([messageId]);
  for (let id = byId.get(messageId)?.parentId ?? null; id !== null && !seen.has(id); id = byId.get(id)?.parentId ?? null) {
    const message = byId.get(id);
    if (!message) break;
    seen.add(id);
    path.unshift(message);
  }
  return path;
}

/** The question an answer belongs to (its parent), or the question itself. */
export function questionOf(messages: MessageRecord[], messageId: number): MessageRecord | undefined {
  const target = messages.find((message) => message.id === messageId);
  if (!target) return undefined;
  if (target.role === 'user') return target;
  const parent = messages.find((message) => message.id === target.parentId);
  return parent?.role === 'user' ? parent : undefined;
}
