// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { canContinue, MessageView } from '../../src/web/components/message-view.tsx';
import { ToastProvider } from '../../src/web/components/toasts.tsx';
import type { DisplayMessage } from '../../src/web/lib/visible-messages.ts';

afterEach(cleanup);

const question: DisplayMessage = {
  key: 'm3',
  id: 3,
  role: 'user',
  content: 'Where do I park?',
  sources: [],
  status: 'complete',
  error: null,
  model: null,
  createdAt: null,
  versions: { ids: [3, 6], index: 0 },
};
const answer: DisplayMessage = {
  key: 'm4',
  id: 4,
  role: 'assistant',
  content: 'In garage',
  sources: [],
  status: 'stopped',
  error: null,
  model: 'llama3.2',
  createdAt: null,
  questionId: 3,
  feedback: 'up',
};

function show(message: DisplayMessage, props: Partial<Parameters<typeof MessageView>[0]> = {}) {
  return render(
    <ToastProvider>
      <MessageView message={message} selected={false} onSelect={() => {}} onCite={() => {}} {...props} />
    </ToastProvider>,
  );
}

describe('MessageView: questions', () => {
  it('edits a question in place and sends the new text; Esc or Cancel leaves it as it was', () => {
    const onEdit = vi.fn();
    show(question, { onEdit });
    fireEvent.click(screen.getByRole('button', { name: 'Edit question' }));
    const box = screen.getByLabelText('Edit your question') as HTMLTextAreaElement;
    expect(box.value).toBe('Where do I park?');
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByLabelText('Edit your question')).toBeNull();
    expect(onEdit).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Edit question' }));
    fireEvent.change(screen.getByLabelText('Edit your question'), { target: { value: '  Where do visitors park?  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send edited question' }));
    expect(onEdit).toHaveBeenCalledWith(question, 'Where do visitors park?');
    expect(screen.queryByLabelText('Edit your question')).toBeNull();
  });

  it('shows "1 / 2" on a question with branches and moves to the next one', () => {
    const onShowVersion = vi.fn();
    show(question, { onShowVersion });
    const nav = screen.getByRole('group', { name: 'Question versions' });
    expect(nav.textContent).toContain('1 / 2');
    expect((within(nav).getByRole('button', { name: 'Previous version' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(nav).getByRole('button', { name: 'Next version' }));
    expect(onShowVersion).toHaveBeenCalledWith(6);
  });

  it('offers no Edit while an answer runs (no handler) and for a question not saved yet', () => {
    show(question);
    expect(screen.queryByRole('button', { name: 'Edit question' })).toBeNull();
    cleanup();
    show({ ...question, id: null, status: 'sending' }, { onEdit: () => {} });
    expect(screen.queryByRole('button', { name: 'Edit question' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Copy question' })).toBeNull();
  });

  it('copies a question', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    show(question);
    fireEvent.click(screen.getByRole('button', { name: 'Copy question' }));
    expect(writeText).toHaveBeenCalledWith('Where do I park?');
    await screen.findByText('Question copied');
  });
});

describe('MessageView: answers', () => {
  it('continues a stopped answer; thumbs toggle (pressed state from the saved feedback)', () => {
    const onContinue = vi.fn();
    const onFeedback = vi.fn();
    show(answer, { onContinue, onFeedback });
    fireEvent.click(screen.getByRole('button', { name: /^Continue/ }));
    expect(onContinue).toHaveBeenCalledWith(answer);
    const up = screen.getByRole('button', { name: 'Good answer' });
    const down = screen.getByRole('button', { name: 'Bad answer' });
    expect(up.getAttribute('aria-pressed')).toBe('true');
    expect(down.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(up);
    expect(onFeedback).toHaveBeenLastCalledWith(4, null);
    fireEvent.click(down);
    expect(onFeedback).toHaveBeenLastCalledWith(4, 'down');
  });

  it('offers Continue only for an answer that ended early, from a language model', () => {
    expect(canContinue(answer)).toBe(true);
    expect(canContinue({ ...answer, status: 'interrupted' })).toBe(true);
    expect(canContinue({ ...answer, status: 'complete' })).toBe(false);
    expect(canContinue({ ...answer, status: 'complete', error: 'Cut at max_tokens' })).toBe(true);
    expect(canContinue({ ...answer, content: '' })).toBe(false);
    expect(canContinue({ ...answer, model: 'extractive' })).toBe(false);
    expect(canContinue({ ...answer, model: 'documents_only', status: 'failed' })).toBe(false);
    show({ ...answer, status: 'complete' }, { onContinue: () => {} });
    expect(screen.queryByRole('button', { name: /^Continue/ })).toBeNull();
  });
});
