// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AnswerMarkdown } from '../../src/web/components/answer-markdown.tsx';

afterEach(cleanup);

describe('AnswerMarkdown', () => {
  it('renders Markdown with lists, tables and code blocks', () => {
    const { container } = render(
      <AnswerMarkdown
        text={'A **bold** claim.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```js\nconst x = 1;\n```'}
        sourceCount={0}
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
        sourceCount={0}
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
    const { container } = render(<AnswerMarkdown text="The sky is blue [1] and grass green [2]; see also [7]." sourceCount={2} onCite={onCite} />);
    fireEvent.click(screen.getByRole('button', { name: 'Open source 2' }));
    expect(onCite).toHaveBeenCalledWith(2);
    expect(screen.getAllByRole('button', { name: /Open source/ })).toHaveLength(2);
    expect(container.textContent).toContain('see also [7].');
  });
});
