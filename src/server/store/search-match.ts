import type { ChatSearchHit } from './store.ts';

/** The columns both stores select for a chat search's matching message. */
export interface SearchMatchRow {
  match_text: string | null;
  match_start: number | null;
  match_length: number | null;
}

/** The window around a message's match, as both stores return it (1-based start, total length). */
export function toMatch(row: SearchMatchRow): ChatSearchHit['match'] {
  if (row.match_text === null || row.match_start === null || row.match_length === null) return null;
  return {
    text: row.match_text,
    cutBefore: row.match_start > 1,
    cutAfter: row.match_start - 1 + row.match_text.length < row.match_length,
  };
}
