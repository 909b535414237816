// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiFileLink } from '../../src/web/components/api-file-link.tsx';
import { ToastProvider } from '../../src/web/components/toasts.tsx';
import { saveApiToken } from '../../src/web/lib/api-token.ts';

const requests: Array<{ url: string; authorization: string | null }> = [];
const clicked: Array<{ href: string; download: string }> = [];
const original = { fetch: globalThis.fetch, createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };

beforeEach(() => {
  requests.length = 0;
  clicked.length = 0;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
    return new Response('# Chat', { status: 200, headers: { 'content-disposition': "attachment; filename=\"chat_3.md\"; filename*=UTF-8''chat_3_Holidays.md" } });
  }) as typeof fetch;
  URL.createObjectURL = () => 'blob:test/1';
  URL.revokeObjectURL = () => {};
  // The generated link's click is the download; record it instead of navigating.
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push({ href: this.href, download: this.download });
  });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  saveApiToken(null);
  Object.assign(globalThis, { fetch: original.fetch });
  URL.createObjectURL = original.createObjectURL;
  URL.revokeObjectURL = original.revokeObjectURL;
});

describe('ApiFileLink', () => {
  it('with an API token, fetches the file with the Authorization header and downloads it under the server’s name', async () => {
    saveApiToken('a-token-of-at-least-16-chars');
    render(
      <ToastProvider>
        <ApiFileLink href="/api/chats/3/export/markdown" download>
          Export .md
        </ApiFileLink>
      </ToastProvider>,
    );
    const link = screen.getByRole('link', { name: 'Export .md' });
    const event = new MouseEvent('click', { bubbles: true, cancelable: true });
    fireEvent(link, event);
    expect(event.defaultPrevented).toBe(true);
    await waitFor(() => expect(clicked).toEqual([{ href: 'blob:test/1', download: 'chat_3_Holidays.md' }]));
    expect(requests).toEqual([{ url: '/api/chats/3/export/markdown', authorization: 'Bearer a-token-of-at-least-16-chars' }]);
  });

  it('without a token, leaves the click to the browser (a plain link)', () => {
    render(
      <ToastProvider>
        <ApiFileLink href="/api/documents/1/download" download="a.pdf">
          Download
        </ApiFileLink>
      </ToastProvider>,
    );
    const event = new MouseEvent('click', { bubbles: true, cancelable: true });
    // Stop jsdom from attempting the navigation once the component has seen the event.
    window.addEventListener('click', (click) => click.preventDefault(), { once: true });
    fireEvent(screen.getByRole('link', { name: 'Download' }), event);
    expect(requests).toEqual([]);
  });
});
