// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatsPanel } from '../../src/web/components/chats-panel.tsx';
import { ToastProvider } from '../../src/web/components/toasts.tsx';

const CHAT = {
  id: 3,
  project_id: 7,
  title: 'Holidays',
  message_count: 2,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};
const requests: string[] = [];
const original = globalThis.fetch;
beforeEach(() => {
  requests.length = 0;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
    if (init?.method === 'PUT') return new Response(JSON.stringify({ detail: 'body.title: title must not be empty' }), { status: 422 });
    return new Response(JSON.stringify([CHAT]), { status: 200 });
  }) as typeof fetch;
});
afterEach(() => {
  cleanup();
  globalThis.fetch = original;
});

describe('ChatsPanel', () => {
  it('refuses an empty chat title with a sentence, without asking the server', async () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ToastProvider>
          <ChatsPanel projectId={7} />
        </ToastProvider>
      </QueryClientProvider>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Rename Holidays' }));
    const dialog = screen.getByRole('dialog', { name: 'Rename chat' });
    fireEvent.change(within(dialog).getByLabelText('Title'), { target: { value: '   ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Rename' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Give the chat a title.');
    expect(within(dialog).getByLabelText('Title').getAttribute('aria-invalid')).toBe('true');
    expect(requests.filter((request) => request.startsWith('PUT'))).toEqual([]);
  });
});
