/**
 * Models write LaTeX as `\( … \)` and `\[ … \]` as often as `$$ … $$`; remark-math reads only
 * dollars, and Markdown would turn `\[` into a plain `[`. This rewrites the backslash forms to
 * `$$` outside code (fenced blocks and inline code are left untouched). Single dollars are not math
 * here (remark-math's `singleDollarTextMath: false`): answers about contracts quote "$5,000 … $10".
 */
export function normalizeMathDelimiters(text: string): string {
  if (!text.includes('\\(') && !text.includes('\\[')) return text;
  const parts = text.split(/(^```[^\n]*\n[\s\S]*?(?:^```[^\n]*$|(?![\s\S]))|`[^`\n]+`)/m);
  return parts
    .map((part, index) => {
      // Odd parts are the code the split kept.
      if (index % 2 === 1) return part;
      return part
        .replace(/\\\[([\s\S]+?)\\\]/g, (_match, body: string) => `\n$$\n${body.trim()}\n$$\n`)
        .replace(/\\\(([\s\S]+?)\\\)/g, (_match, body: string) => `$$${body.trim()}$$`);
    })
    .join('');
}

/** Whether the text may hold math, so the math renderer is worth loading. */
export function mayContainMath(text: string): boolean {
  return text.includes('$$') || text.includes('\\(') || text.includes('\\[');
}
