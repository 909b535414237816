import type { ChatMessage } from '../llm/chat-model.ts';
import type { MessageRecord } from '../store/store.ts';

/**
 * The last `turns` complete question/answer pairs before the current question, oldest first. A
 * question whose answer failed or is empty is left out, so the model never sees two questions in a
 * row or an answer without its question.
 */
export function selectHistory(messages: MessageRecord[], turns: number): ChatMessage[] {
  if (turns <= 0) return [];
  const pairs: ChatMessage[][] = [];
  for (let index = 0; index < messages.length - 1; index += 1) {
    const question = messages[index];
    const answer = messages[index + 1];
    if (
      question?.role === 'user' &&
      answer?.role === 'assistant' &&
      answer.content.trim() !== '' &&
      (answer.status === 'complete' || answer.status === 'stopped')
    ) {
      pairs.push([
        { role: 'user', content: question.content },
        { role: 'assistant', content: answer.content },
      ]);
      index += 1;
    }
  }
  return pairs.slice(-turns).flat();
}
