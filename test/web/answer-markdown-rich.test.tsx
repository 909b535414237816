// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AnswerMarkdown } from '../../src/web/components/answer-markdown.tsx';
import { mayContainMath, normalizeMathDelimiters } from '../../src/web/lib/math-delimiters.ts';

afterEach(cleanup);

describe('AnswerMarkdown code blocks and math', () => {
  it('highlights a fenced code block once the highlighter has loaded, with a language label', async () => {
    const { container } = render(<AnswerMarkdown text={'```python\ndef total(rows):\n    return sum(rows)  # all\n```'} sources={[]} />);
    // 1. The label comes from the fence at once; the tokens once the lazy module is in.
    expect(container.querySelector('.code-language')?.textContent).toBe('python');
    await waitFor(() => expect(container.querySelector('pre code .hljs-keyword')?.textContent).toBe('def'));
    // 2. Highlighting only wraps the text: the code reads exactly as written.
    expect(container.querySelector('pre code')?.textContent).toBe('def total(rows):\n    return sum(rows)  # all\n');
    expect(container.querySelector('pre code .hljs-comment')?.textContent).toBe('# all');
  });

  it('keeps an unknown language plain, labelled as written', async () => {
    const { container } = render(<AnswerMarkdown text={'```klingon\nqapla <b>x</b>\n```\n\n```js\nconst a = 1;\n```'} sources={[]} />);
    const [unknown, known] = [...container.querySelectorAll('.code-block')];
    expect(unknown?.querySelector('.code-language')?.textContent).toBe('klingon');
    // Both blocks wait for the same module load: once the JavaScript one is coloured, the other had its turn.
    await waitFor(() => expect(known?.querySelector('.hljs-keyword')).toBeTruthy());
    expect(unknown?.querySelector('pre code span')).toBeNull();
    expect(unknown?.querySelector('pre code b')).toBeNull();
    expect(unknown?.querySelector('pre code')?.textContent).toBe('qapla <b>x</b>\n');
  });

  it('typesets $$ math and \\( \\) math with KaTeX, leaving single dollars as money', async () => {
    const { container } = render(
      <AnswerMarkdown text={'It costs $5 or $10. Energy: \\(E = mc^2\\).\n\n$$\n\\frac{a}{b}\n$$'} sources={[]} />,
    );
    await waitFor(() => expect(container.querySelectorAll('.katex').length).toBe(2));
    expect(container.querySelector('.katex-display')).toBeTruthy();
    expect(container.querySelector('.katex-mathml annotation')?.textContent).toBe('E = mc^2');
    expect(container.textContent).toContain('It costs $5 or $10.');
  });

  it('keeps KaTeX from making links (trust is off) and code from becoming math', async () => {
    const { container } = render(
      <AnswerMarkdown text={'$$\\href{javascript:alert(1)}{click}$$ and `\\(x\\)`\n\n```\n$$y$$\n```'} sources={[]} />,
    );
    await waitFor(() => expect(container.querySelector('.katex, .katex-error')).toBeTruthy());
    expect(container.querySelector('a')).toBeNull();
    expect(container.querySelector('p code')?.textContent).toBe('\\(x\\)');
    expect(container.querySelector('pre code')?.textContent).toBe('$$y$$\n');
  });

  it('renders GFM tables', () => {
    render(<AnswerMarkdown text={'| Plan | Price |\n|---|---:|\n| Basic | 5 |'} sources={[]} />);
    expect(screen.getByRole('table')).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: 'Price' })).toBeTruthy();
  });
});

describe('normalizeMathDelimiters', () => {
  it('rewrites \\[ \\] and \\( \\) outside code only', () => {
    expect(normalizeMathDelimiters('a \\(x\\) b')).toBe('a $$x$$ b');
    expect(normalizeMathDelimiters('\\[\ny\n\\]')).toBe('\n$$\ny\n$$\n');
    expect(normalizeMathDelimiters('`\\(x\\)` \\(z\\)')).toBe('`\\(x\\)` $$z$$');
    expect(normalizeMathDelimiters('```\n\\(x\\)\n```\n\\(w\\)')).toBe('```\n\\(x\\)\n```\n$$w$$');
    expect(mayContainMath('costs $5')).toBe(false);
    expect(mayContainMath('$$x$$')).toBe(true);
  });
});
