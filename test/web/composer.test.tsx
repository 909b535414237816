// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Composer } from '../../src/web/components/composer.tsx';
import { MessageView } from '../../src/web/components/message-view.tsx';
import { ToastProvider } from '../../src/web/components/toasts.tsx';

afterEach(cleanup);

function setup(props: Partial<Parameters<typeof Composer>[0]> = {}) {
  const onSend = vi.fn(() => true);
  const onStop = vi.fn();
  const view = render(<Composer canSend offline={false} busy={false} onSend={onSend} onStop={onStop} {...props} />);
  const input = screen.getByLabelText('Your question') as HTMLTextAreaElement;
  return { ...view, onSend, onStop, input };
}

describe('Composer', () => {
  it('sends on Enter and clears; Shift+Enter does not send', () => {
    const { input, onSend } = setup();
    fireEvent.change(input, { target: { value: 'First line' } });
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('First line');
    expect(input.value).toBe('');
  });

  it('does not send blank text', () => {
    const { input, onSend } = setup();
    fireEvent.change(input, { target: { value: '   ' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('while offline keeps the text, disables sending and says why', () => {
    const { input, onSend } = setup({ offline: true });
    fireEvent.change(input, { target: { value: 'Keep me' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
    expect(input.value).toBe('Keep me');
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/Offline: your text stays here/)).toBeTruthy();
  });

  it('keeps the text when the connection refuses the send', () => {
    const { input, onSend } = setup();
    onSend.mockReturnValueOnce(false);
    fireEvent.change(input, { target: { value: 'Not yet' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledOnce();
    expect(input.value).toBe('Not yet');
  });

  it('shows Stop while an answer is being written', () => {
    const { onStop } = setup({ busy: true });
    expect(screen.queryByRole('button', { name: 'Send' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Stop the answer' }));
    expect(onStop).toHaveBeenCalledOnce();
  });
});

describe('Composer next to the conversation', () => {
  it('is the only thing named “Your question” (a sent question is an article named “Question”)', () => {
    render(
      <ToastProvider>
        <MessageView
          message={{
            key: 'm1',
            id: 1,
            role: 'user',
            content: 'What is new?',
            sources: [],
            status: 'complete',
            error: null,
            model: null,
            createdAt: null,
          }}
          selected={false}
          onSelect={() => {}}
          onCite={() => {}}
        />
        <Composer canSend offline={false} busy={false} onSend={() => true} onStop={() => {}} />
      </ToastProvider>,
    );
    expect(screen.getAllByLabelText('Your question').map((element) => element.tagName)).toEqual(['TEXTAREA']);
    expect(screen.getByRole('article', { name: 'Question' }).textContent).toContain('What is new?');
  });
});
