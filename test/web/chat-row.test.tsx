// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatRow } from '../../src/web/components/chat-row.tsx';

const chat = {
  id: 12,
  project_id: 7,
  title: 'Parking rules',
  model: null,
  message_count: 3,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

afterEach(cleanup);

function renderRow(props: Partial<Parameters<typeof ChatRow>[0]> & Pick<Parameters<typeof ChatRow>[0], 'variant'>) {
  const onRename = vi.fn();
  const onDelete = vi.fn();
  const onOpen = vi.fn();
  render(
    <ul>
      <ChatRow chat={chat} onRename={onRename} onDelete={onDelete} onOpen={onOpen} {...props} />
    </ul>,
  );
  return { onRename, onDelete, onOpen, item: screen.getByRole('listitem') };
}

describe('ChatRow', () => {
  it('links to the chat and names its buttons after it; rename and delete hand the chat back', () => {
    const { onRename, onDelete, item } = renderRow({ variant: 'panel' });
    expect(
      within(item)
        .getByRole('link', { name: /^Parking rules/ })
        .getAttribute('href'),
    ).toBe('/chats/12');
    fireEvent.click(within(item).getByRole('button', { name: 'Rename Parking rules' }));
    fireEvent.click(within(item).getByRole('button', { name: 'Delete Parking rules' }));
    expect(onRename).toHaveBeenCalledWith(chat);
    expect(onDelete).toHaveBeenCalledWith(chat);
  });

  it('on the project page: message count, exports, and the snippet above the count when searching', () => {
    const { item } = renderRow({ variant: 'panel', snippet: '…park in garage B on weekends…', query: 'garage' });
    expect(item.className).toBe('chat-item');
    expect(item.textContent).toContain('3 messages');
    expect(within(item).getByRole('link', { name: 'Export Parking rules as Markdown' }).getAttribute('href')).toContain(
      '/api/chats/12/export/markdown',
    );
    expect(within(item).getByRole('link', { name: 'Export Parking rules as JSON' })).toBeTruthy();
    expect(within(item).getByText('garage', { selector: 'mark' }).closest('.chat-item-snippet')).toBeTruthy();
    expect(
      within(item)
        .getByRole('link', { name: /^Parking rules/ })
        .getAttribute('aria-current'),
    ).toBeNull();
  });

  it('in the sidebar: the current chat is marked, no exports, the snippet replaces the time, following the link calls onOpen', () => {
    const { item, onOpen } = renderRow({ variant: 'sidebar', current: true, snippet: 'visitors park in Garage B', query: 'garage' });
    expect(item.className).toBe('sidebar-chat current');
    const link = within(item).getByRole('link', { name: /^Parking rules/ });
    expect(link.getAttribute('aria-current')).toBe('page');
    expect(within(item).queryByRole('link', { name: /Export/ })).toBeNull();
    expect(within(item).getByText('Garage', { selector: 'mark' }).closest('.sidebar-chat-snippet')).toBeTruthy();
    expect(item.textContent).not.toContain('messages');
    fireEvent.click(link);
    expect(onOpen).toHaveBeenCalledTimes(1);
  });

  it('in the sidebar without a search: the time instead of a snippet', () => {
    const { item } = renderRow({ variant: 'sidebar' });
    expect(item.className).toBe('sidebar-chat');
    expect(item.querySelector('.sidebar-chat-snippet')).toBeNull();
    expect(item.querySelector('.muted.small')?.textContent).toBeTruthy();
  });
});
