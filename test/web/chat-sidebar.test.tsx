// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Highlight } from '../../src/web/components/chat-row.tsx';
import { ChatSidebar } from '../../src/web/components/chat-sidebar.tsx';
import { ToastProvider } from '../../src/web/components/toasts.tsx';

function chat(id: number, title: string) {
  return {
    id,
    project_id: 7,
    title,
    model: null,
    message_count: 2,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
}

const requests: string[] = [];
const original = globalThis.fetch;
beforeEach(() => {
  requests.length = 0;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push(`${init?.method ?? 'GET'} ${url}`);
    if (url.includes('/chats/search')) {
      return Response.json([{ ...chat(4, 'Parking'), snippet: '…visitors park on Weekends in garage B…' }]);
    }
    return Response.json([chat(3, 'Holidays'), chat(4, 'Parking')]);
  }) as typeof fetch;
});
afterEach(() => {
  cleanup();
  globalThis.fetch = original;
});

function renderSidebar(props: { open?: boolean; onClose?: () => void } = {}) {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <ChatSidebar projectId={7} currentChatId={3} open={props.open ?? false} onClose={props.onClose ?? (() => {})} />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe('ChatSidebar', () => {
  it('is the "Chats" navigation, with the open chat marked as the current page', async () => {
    renderSidebar();
    const nav = screen.getByRole('navigation', { name: 'Chats' });
    const current = await within(nav).findByRole('link', { name: /Holidays/ });
    expect(current.getAttribute('aria-current')).toBe('page');
    expect(
      within(nav)
        .getByRole('link', { name: /Parking/ })
        .getAttribute('aria-current'),
    ).toBeNull();
    expect(within(nav).getByRole('button', { name: 'New chat' })).toBeTruthy();
    expect(within(nav).getByRole('button', { name: 'Rename Parking' })).toBeTruthy();
  });

  it('searches on the server and shows each hit with its snippet, the query marked', async () => {
    renderSidebar();
    const nav = screen.getByRole('navigation', { name: 'Chats' });
    fireEvent.change(within(nav).getByLabelText('Search chats'), { target: { value: 'weekends' } });
    const mark = await within(nav).findByText('Weekends', { selector: 'mark' });
    expect(mark.closest('.sidebar-chat-snippet')?.textContent).toBe('…visitors park on Weekends in garage B…');
    expect(requests.some((request) => request.includes('/api/projects/7/chats/search?q=weekends'))).toBe(true);
    expect(within(nav).queryByRole('link', { name: /Holidays/ })).toBeNull();
  });

  it('as an open drawer, closes on Esc and on the backdrop', async () => {
    const onClose = vi.fn();
    const { container } = renderSidebar({ open: true, onClose });
    expect(screen.getByRole('navigation', { name: 'Chats' }).className).toContain('open');
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
    fireEvent.mouseDown(container.querySelector('.sidebar-backdrop')!);
    expect(onClose).toHaveBeenCalledTimes(2);
  });
});

describe('Highlight', () => {
  it('marks every occurrence, whatever the case, as text', () => {
    const { container } = render(<Highlight text="A b a <i>A</i>" query="a" />);
    expect([...container.querySelectorAll('mark')].map((node) => node.textContent)).toEqual(['A', 'a', 'A']);
    expect(container.querySelector('i')).toBeNull();
    expect(container.textContent).toBe('A b a <i>A</i>');
  });
});
