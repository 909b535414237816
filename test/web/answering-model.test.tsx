// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryKeys } from '../../src/web/api/query-keys.ts';
import { AnsweringModelNote } from '../../src/web/components/answering-model-note.tsx';
import { RouterProvider } from '../../src/web/lib/router.tsx';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** "What will answer" against the real server: the model, or quoted passages once Ollama is gone. */
describe('AnsweringModelNote', () => {
  let server: TestServer;
  const original = globalThis.fetch;

  beforeEach(async () => {
    server = await startTestServer({ LLM_PROVIDER: 'auto' });
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      original(new URL(String(input), server.url), init)) as typeof fetch;
  });
  afterEach(async () => {
    cleanup();
    globalThis.fetch = original;
    await server.close();
  });

  it('names the model before sending, the chat model first, and follows Ollama going away', async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const view = (chatModel: string | null) => (
      <QueryClientProvider client={client}>
        <RouterProvider>
          <AnsweringModelNote chatModel={chatModel} projectModel={null} />
        </RouterProvider>
      </QueryClientProvider>
    );
    const { rerender } = render(view(null));
    const note = await screen.findByTestId('answering-model', {}, { timeout: 10_000 });
    expect(note.textContent).toBe('Answered by llama3.2');
    rerender(view('qwen2.5:7b'));
    expect(screen.getByTestId('answering-model').textContent).toBe('Answered by qwen2.5:7b');

    await server.ollama.stop();
    // The next poll (every 10 s in the app) sees it; here the poll is asked for at once.
    await act(() => client.invalidateQueries({ queryKey: queryKeys.llmStatus }));
    await waitFor(() =>
      expect(screen.getByTestId('answering-model').textContent).toBe(
        'No language model — answers quote your documents · full-text search only Get a model',
      ),
    );
    expect(screen.getByRole('link', { name: 'Get a model' }).getAttribute('href')).toBe('/settings#models');
  });
});
