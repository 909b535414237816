// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Source } from '../../src/protocol/source.ts';
import { AnswerMarkdown } from '../../src/web/components/answer-markdown.tsx';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function source(content: string, index = 0): Source {
  return {
    id: `s${index}`,
    content,
    score: 0.9,
    metadata: { document_id: 1, filename: 'guide.md', chunk_index: index, start_char: 0, end_char: content.length },
  };
}

describe('AnswerMarkdown', () => {
  it('renders Markdown with lists, tables and code blocks', () => {
    const { container } = render(
      <AnswerMarkdown
        text={'A **bold** claim.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```js\nconst x = 1;\n```'}
        sources={[]}
      />,
    );
    expect(container.querySelector('strong')?.textContent).toBe('bold');
    expect([...container.querySelectorAll('li')].map((item) => item.textContent)).toEqual(['one', 'two']);
    expect(container.querySelector('table td')?.textContent).toBe('1');
    expect(container.querySelector('pre code')?.textContent).toBe('const x = 1;\n');
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy();
  });

  it('never renders raw HTML, scripts, javascript: links or remote images', () => {
    const { container } = render(
      <AnswerMarkdown
        text={
          '<script>alert(1)</script> <img src="https://evil.example/a.png"> <b onclick="x()">hi</b>\n\n' +
          '[bad](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [good](https://example.com/docs)\n\n' +
          '![pixel](https://evil.example/pixel.png?text=secret)'
        }
        sources={[source('The docs live at https://example.com/docs for everyone.')]}
      />,
    );
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('[onclick]')).toBeNull();
    const hrefs = [...container.querySelectorAll('a')].map((link) => link.getAttribute('href'));
    expect(hrefs).toEqual(['https://example.com/docs']);
    const good = container.querySelector('a')!;
    expect(good.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(good.getAttribute('target')).toBe('_blank');
    expect(container.querySelector('.blocked-image')?.textContent).toBe('[image: pixel]');
  });

  it('turns [n] citations into buttons that open source n; unknown numbers stay text', () => {
    const onCite = vi.fn();
    const { container } = render(
      <AnswerMarkdown
        text="The sky is blue [1] and grass green [2]; see also [7]."
        sources={[source('a', 0), source('b', 1)]}
        onCite={onCite}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Open source 2' }));
    expect(onCite).toHaveBeenCalledWith(2);
    expect(screen.getAllByRole('button', { name: /Open source/ })).toHaveLength(2);
    expect(container.textContent).toContain('see also [7].');
  });

  it('opens a link its sources contain directly, and asks, naming the full address, before any other', () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const { container } = render(
      <AnswerMarkdown
        text={
          'See [the policy](https://intranet.example/policy) and [log in here](https://evil.example:8443/login?next=%2Fsecret) or https://аpple.com/.'
        }
        sources={[source('Read https://intranet.example/policy before travelling.')]}
      />,
    );
    // 1. From a source: a plain link.
    expect(screen.getByRole('link', { name: 'the policy' }).getAttribute('href')).toBe('https://intranet.example/policy');
    // 2. Not from a source: no link at all in the answer, a button that shows its site.
    expect(container.querySelector('a[href*="evil.example"]')).toBeNull();
    const foreign = screen.getByRole('button', { name: 'log in here (evil.example:8443)' });
    expect(foreign.getAttribute('aria-haspopup')).toBe('dialog');
    fireEvent.click(foreign);

    // 3. The dialog names the whole address; Cancel is focused and opens nothing.
    const dialog = screen.getByRole('dialog', { name: 'Open this link?' });
    expect(within(dialog).getByText('https://evil.example:8443/login?next=%2Fsecret')).toBeTruthy();
    expect(within(dialog).getByText('evil.example:8443')).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(open).not.toHaveBeenCalled();

    // 4. Confirming opens exactly that address, without an opener; the dialog closes.
    fireEvent.click(foreign);
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('link', { name: 'Open link' }));
    expect(open).toHaveBeenCalledWith('https://evil.example:8443/login?next=%2Fsecret', '_blank', 'noopener,noreferrer');
    expect(screen.queryByRole('dialog')).toBeNull();

    // 5. A look-alike host (Cyrillic "а") is shown in punycode, so it does not pass for apple.com.
    fireEvent.click(screen.getByRole('button', { name: /xn--pple-43d\.com/ }));
    expect(within(screen.getByRole('dialog')).getByText('https://xn--pple-43d.com/')).toBeTruthy();
  });
});
