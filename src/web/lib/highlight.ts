import type { Root } from 'hast';
import { common, createLowlight } from 'lowlight';

/**
 * Syntax highlighting (highlight.js's common languages through lowlight, which returns a hast tree
 * instead of an HTML string, so nothing is ever set as innerHTML). Loaded with a dynamic import by
 * the code block, so the chat bundle does not carry the grammars.
 */
const lowlight = createLowlight(common);

/** Longer code is shown plain: highlighting it would hold the main thread. */
const MAX_HIGHLIGHT_CHARS = 50_000;

export interface Highlighted {
  tree: Root;
  /** The language the code was highlighted as (the fence's, or the one detected). */
  language: string | null;
}

export function highlightCode(code: string, language: string | null): Highlighted | null {
  if (code.length > MAX_HIGHLIGHT_CHARS) return null;
  if (language) {
    const name = language.toLowerCase();
    if (!lowlight.registered(name)) return null;
    return { tree: lowlight.highlight(name, code), language: name };
  }
  const tree = lowlight.highlightAuto(code);
  const detected = typeof tree.data?.language === 'string' ? tree.data.language : null;
  // A detection without any keyword found is a guess; show such code plain.
  return detected && (tree.data?.relevance ?? 0) >= 3 ? { tree, language: detected } : null;
}
