// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToastProvider } from '../../src/web/components/toasts.tsx';
import { SettingsPage } from '../../src/web/pages/settings-page.tsx';
import { DEFAULT_SETTINGS } from './support/settings-fixtures.ts';

const SETTINGS = DEFAULT_SETTINGS;

const MODELS = {
  llm_models: [
    { name: 'llama3.2:latest', size: 2_019_393_189 },
    { name: 'qwen2.5:7b', size: 4_000_000_000 },
  ],
  embedding_models: [{ name: 'nomic-embed-text:latest', size: 274_302_450 }],
  current_llm: 'llama3.2',
  current_embedding: 'nomic-embed-text',
};

const original = globalThis.fetch;
beforeEach(() => {
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    const url = String(input);
    const body = url.endsWith('/api/settings') ? SETTINGS : url.endsWith('/api/settings/models/installed') ? MODELS : undefined;
    return new Response(JSON.stringify(body ?? { detail: 'not found' }), {
      status: body ? 200 : 404,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
});
afterEach(() => {
  cleanup();
  globalThis.fetch = original;
});

describe('SettingsPage', () => {
  it('treats a model name without a tag as its installed ":latest" (not "not installed")', async () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ToastProvider>
          <SettingsPage />
        </ToastProvider>
      </QueryClientProvider>,
    );
    const chat = (await screen.findByLabelText('Chat model')) as HTMLSelectElement;
    await screen.findByRole('option', { name: /qwen2\.5:7b/ });
    expect(chat.value).toBe('llama3.2:latest');
    expect(screen.queryByRole('option', { name: /not installed/ })).toBeNull();
    const embedding = screen.getByLabelText('Embedding model') as HTMLSelectElement;
    expect(embedding.value).toBe('nomic-embed-text:latest');
  });
});
