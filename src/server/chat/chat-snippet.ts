import type { ChatSearchMatch } from '../store/store.ts';

/**
 * A search result's snippet: the matching message's text around the match, on one line, cut at word
 * boundaries, with "…" where the message goes on. Null when only the title matched.
 */
export function chatSearchSnippet(match: ChatSearchMatch | null): string | null {
  if (!match) return null;
  let text = match.text.replace(/\s+/g, ' ');
  const { cutBefore, cutAfter } = match;
  // A window cut mid-word starts and ends at the next whole word (never dropping the match itself:
  // the window starts SEARCH_MATCH_LEAD characters before it).
  if (cutBefore) {
    const space = text.indexOf(' ');
    if (space > 0 && space < 30) text = text.slice(space + 1);
  }
  if (cutAfter) {
    const space = text.lastIndexOf(' ');
    if (space > text.length - 30) text = text.slice(0, space);
  }
  text = text.trim();
  if (!text) return null;
  return `${cutBefore ? '…' : ''}${text}${cutAfter ? '…' : ''}`;
}
