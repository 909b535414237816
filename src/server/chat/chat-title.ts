export const DEFAULT_CHAT_TITLE = 'New Chat';

/** A title from the first line of the first question: at most 50 characters. */
export function titleFromMessage(message: string): string {
  const firstLine = message.trim().split('\n')[0]?.trim() ?? '';
  if (!firstLine) return DEFAULT_CHAT_TITLE;
  // Counted in code points, so that an emoji is never cut in half.
  const characters = Array.from(firstLine);
  return characters.length > 50 ? `${characters.slice(0, 47).join('')}...` : firstLine;
}
