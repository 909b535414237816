// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Source } from '../../src/protocol/source.ts';
import type { DocumentResponse } from '../../src/web/api/documents.ts';
import { forgetStoredToken } from '../../src/web/api/session.ts';
import { DocumentPreview } from '../../src/web/components/document-list.tsx';
import { TokenPrompt } from '../../src/web/components/offline-banner.tsx';
import { SourceDialog } from '../../src/web/components/sources.tsx';
import { ToastProvider } from '../../src/web/components/toasts.tsx';

/**
 * An uploaded document never runs in the app's origin, and the API token never sits where a script
 * of this origin could read it. (Before: with a token, "Open the document" fetched the file and
 * opened it from a `blob:` URL, which has this page's origin, and the token lived in localStorage.)
 */
const TOKEN = 'a-long-enough-session-token';
const requests: Array<{ url: string; method: string; body: unknown; authorization: string | null }> = [];
let answer: () => Response;
const original = { fetch: globalThis.fetch, createObjectURL: URL.createObjectURL };
const createObjectURL = vi.fn(() => 'blob:http://localhost/planted');

beforeEach(() => {
  requests.length = 0;
  localStorage.clear();
  answer = () => new Response(null, { status: 204 });
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({
      url: String(input),
      method: init?.method ?? 'GET',
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      authorization: new Headers(init?.headers).get('authorization'),
    });
    return answer();
  }) as typeof fetch;
  URL.createObjectURL = createObjectURL;
  createObjectURL.mockClear();
});
afterEach(() => {
  cleanup();
  Object.assign(globalThis, { fetch: original.fetch });
  URL.createObjectURL = original.createObjectURL;
});

function htmlSource(): Source {
  return {
    id: 'c1',
    content: 'Welcome to the intranet.',
    score: 0.8,
    metadata: { document_id: 42, filename: 'welcome.html', file_type: 'html', chunk_index: 0, start_char: 0, end_char: 24 },
  };
}

function pdfDocument(): DocumentResponse {
  const now = new Date().toISOString();
  return {
    id: 9,
    project_id: 1,
    filename: 'handbook.pdf',
    file_type: 'pdf',
    file_size: 1000,
    mime_type: 'application/pdf',
    status: 'completed',
    stage: 'completed',
    progress: 100,
    page_count: 2,
    word_count: null,
    chunk_count: 0,
    error_message: null,
    content_hash: null,
    doc_metadata: null,
    embedding_model: null,
    created_at: now,
    updated_at: now,
  };
}

describe('documents open outside the app’s origin', () => {
  it('"Open the document" is the server’s own URL (CSP-sandboxed there), never a blob made by this page', () => {
    localStorage.setItem('daa-api-token', TOKEN);
    render(
      <ToastProvider>
        <SourceDialog source={htmlSource()} number={1} onClose={() => {}} />
      </ToastProvider>,
    );
    const open = screen.getByRole('link', { name: 'Open the document' });
    expect(open.getAttribute('href')).toBe('/api/documents/42/download');
    expect(open.getAttribute('target')).toBe('_blank');
    expect(open.getAttribute('rel')).toContain('noopener');
    // The click is the browser's: nothing fetched, no blob URL created.
    window.addEventListener('click', (click) => click.preventDefault(), { once: true });
    fireEvent.click(open);
    expect(requests).toEqual([]);
    expect(createObjectURL).not.toHaveBeenCalled();
  });

  it('previews a PDF from its URL in the browser’s viewer, not from a blob', () => {
    render(
      <ToastProvider>
        <DocumentPreview document={pdfDocument()} onClose={() => {}} page={2} />
      </ToastProvider>,
    );
    expect(screen.getByTitle('Preview of handbook.pdf').getAttribute('src')).toBe('/api/documents/9/download#page=2');
    expect(requests).toEqual([]);
    expect(createObjectURL).not.toHaveBeenCalled();
  });
});

describe('the API token', () => {
  it('is exchanged once for the session cookie and stored nowhere in the page', async () => {
    const signedIn = vi.fn();
    render(<TokenPrompt onSignedIn={signedIn} />);
    fireEvent.change(screen.getByLabelText(/requires an API token/), { target: { value: `  ${TOKEN} ` } });
    fireEvent.click(screen.getByRole('button', { name: 'Use token' }));
    await waitFor(() => expect(signedIn).toHaveBeenCalledTimes(1));
    expect(requests).toEqual([{ url: '/api/session', method: 'POST', body: { token: TOKEN }, authorization: null }]);
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).not.toContain(TOKEN);
  });

  it('says so when the token is refused, and stays on the prompt', async () => {
    answer = () => Response.json({ detail: 'That API token is not valid.', code: 'unauthorized' }, { status: 401 });
    const signedIn = vi.fn();
    render(<TokenPrompt onSignedIn={signedIn} />);
    fireEvent.change(screen.getByLabelText(/requires an API token/), { target: { value: 'wrong-token-of-some-length' } });
    fireEvent.click(screen.getByRole('button', { name: 'Use token' }));
    expect(await screen.findByText('That API token is not valid.')).toBeTruthy();
    expect(screen.getByLabelText(/requires an API token/).getAttribute('aria-invalid')).toBe('true');
    expect(signedIn).not.toHaveBeenCalled();
  });

  it('a token left in localStorage by an earlier version is removed at start', () => {
    localStorage.setItem('daa-api-token', TOKEN);
    forgetStoredToken();
    expect(localStorage.getItem('daa-api-token')).toBeNull();
  });
});

describe('signing out', () => {
  it('the settings page’s Access card ends the session with DELETE /api/session', async () => {
    const { QueryClient, QueryClientProvider } = await import('@tanstack/react-query');
    const { SessionCard } = await import('../../src/web/components/session-card.tsx');
    answer = () =>
      requests.at(-1)!.method === 'GET'
        ? Response.json({ token_required: true, signed_in: true })
        : Response.json({ detail: 'The server failed.' }, { status: 500 });
    render(
      <QueryClientProvider client={new QueryClient()}>
        <SessionCard />
      </QueryClientProvider>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out of this browser' }));
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /api/session', 'DELETE /api/session']);
  });
});
