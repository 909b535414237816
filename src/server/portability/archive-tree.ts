import type { MessageLine } from './archive-manifest.ts';

/**
 * Where an archived message sits in the message tree. Format 2 lines carry their `ref` and `parent`;
 * a format 1 archive (a linear chat) gets the parents the linear chat implied, as the SQLite
 * migration 008 gives older rows: an answer its question, a question the last answer of the
 * question before it (or that question).
 */
export class ArchiveTree {
  private synthetic = 0;
  private readonly chats = new Map<number, { question: number | null; answer: number | null }>();

  place(message: MessageLine): { ref: number; parentRef: number | null; active: boolean } {
    if (message.ref !== undefined) return { ref: message.ref, parentRef: message.parent ?? null, active: message.active ?? true };
    // Negative: never one of a format 2 archive's refs.
    this.synthetic -= 1;
    const ref = this.synthetic;
    const chat = this.chats.get(message.chat) ?? { question: null, answer: null };
    this.chats.set(message.chat, chat);
    if (message.role === 'user') {
      const parentRef = chat.answer ?? chat.question;
      chat.question = ref;
      chat.answer = null;
      return { ref, parentRef, active: true };
    }
    chat.answer = ref;
    return { ref, parentRef: chat.question, active: true };
  }
}
