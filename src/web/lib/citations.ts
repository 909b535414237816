/** Minimal mdast shapes this plugin touches (kept local: no dependency on transitive type packages). */
interface MdNode {
  type: string;
  value?: string;
  url?: string;
  children?: MdNode[];
}

/** Where a citation points: `#source-3` is the third source of the answer. */
export const CITATION_PREFIX = '#source-';

// `[2]`, and the `[2, 3]` that models often write despite the prompt asking for `[2][3]`.
const CITATION = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
const SKIP = new Set(['link', 'linkReference', 'inlineCode', 'code', 'definition', 'html']);

/**
 * A remark plugin turning the model's `[n]` citations into links to `#source-n`, so the renderer can
 * show them as buttons that open the cited passage. Only numbers within the answer's source count
 * become links (a model inventing [9] of 3 sources gets plain text); code is left alone.
 */
export function remarkCitations(options: { sourceCount: number }) {
  const { sourceCount } = options;
  return (tree: MdNode) => {
    visit(tree);
  };

  function visit(node: MdNode): void {
    if (!node.children) return;
    const next: MdNode[] = [];
    for (const child of node.children) {
      if (child.type === 'text' && child.value) next.push(...splitCitations(child.value, sourceCount));
      else {
        if (!SKIP.has(child.type)) visit(child);
        next.push(child);
      }
    }
    node.children = next;
  }
}

function splitCitations(text: string, sourceCount: number): MdNode[] {
  const nodes: MdNode[] = [];
  let last = 0;
  for (const match of text.matchAll(CITATION)) {
    const numbers = match[1]!.split(',').map(Number);
    if (numbers.some((number) => number < 1 || number > sourceCount)) continue;
    const start = match.index ?? 0;
    if (start > last) nodes.push({ type: 'text', value: text.slice(last, start) });
    for (const number of numbers) {
      nodes.push({ type: 'link', url: `${CITATION_PREFIX}${number}`, children: [{ type: 'text', value: String(number) }] });
    }
    last = start + match[0].length;
  }
  if (last === 0) return [{ type: 'text', value: text }];
  if (last < text.length) nodes.push({ type: 'text', value: text.slice(last) });
  return nodes;
}

/** The source number a citation href points to, or null. */
export function citationNumber(href: string | undefined): number | null {
  if (!href?.startsWith(CITATION_PREFIX)) return null;
  const number = Number(href.slice(CITATION_PREFIX.length));
  return Number.isInteger(number) && number > 0 ? number : null;
}
