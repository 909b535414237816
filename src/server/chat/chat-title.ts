export const DEFAULT_CHAT_TITLE = 'New Chat';

/** A title from the first line of the first question: at most 50 characters. */
export function titleFromMessage(message: string): string {
  const firstLine = message.trim().split('\n')[0]?.trim() ?? '';
  if (!firstLine) return DEFAULT_CHAT_TITLE;
  return firstLine.length > 50 ? `${firstLine.slice(0, 47)}...` : firstLine;
}
