// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trackPull } from '../../src/web/api/models.ts';
import { DownloadsTray } from '../../src/web/components/downloads-tray.tsx';
import { ModelsSection } from '../../src/web/components/models-section.tsx';
import { ModelHintText } from '../../src/web/components/model-hint-text.tsx';
import { useModelPullEvents } from '../../src/web/hooks/use-model-pulls.ts';
import { ConnectionProvider } from '../../src/web/lib/connection-context.tsx';
import { RouterProvider } from '../../src/web/lib/router.tsx';
import { ConnectionManager } from '../../src/web/lib/socket.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** Settings › Models against the real server and its fake Ollama: the page's fetches go to the server. */
describe('Models section', () => {
  let server: TestServer;
  let manager: ConnectionManager;
  const original = globalThis.fetch;

  function Events() {
    useModelPullEvents();
    return null;
  }
  function renderWithApp(children: ReactNode) {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    return render(
      <QueryClientProvider client={client}>
        <ConnectionProvider manager={manager}>
          <RouterProvider>
            <Events />
            {children}
          </RouterProvider>
        </ConnectionProvider>
      </QueryClientProvider>,
    );
  }

  beforeEach(async () => {
    server = await startTestServer({ CORS_ORIGINS: window.location.origin });
    server.ollama.pullChunks = 4;
    server.ollama.pullDelayMs = 20;
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      original(new URL(String(input), server.url), init)) as typeof fetch;
    manager = new ConnectionManager({ url: server.url, socketOptions: { forceNew: true, transports: ['websocket'] } });
    await waitFor(() => expect(manager.status).toBe('connected'), { timeout: 10_000 });
  });

  afterEach(async () => {
    cleanup();
    manager.close();
    globalThis.fetch = original;
    await server.close();
  });

  it('lists the installed models with size, family and context length, and the catalog with Download', async () => {
    renderWithApp(<ModelsSection />);
    const chatTable = await screen.findByRole('table', { name: 'Chat models' }, { timeout: 10_000 });
    expect(within(chatTable).getAllByRole('row').length).toBeGreaterThan(1);
    expect(
      within(chatTable)
        .getByRole('button', { name: /Delete llama3\.2/ })
        .hasAttribute('disabled'),
    ).toBe(true); // the default
    await screen.findByRole('table', { name: 'Embedding models' });
    expect(await screen.findAllByRole('button', { name: /^Download / })).not.toHaveLength(0);
  });

  it('downloads a model by name with a live progress bar, then lists it as installed without a reload', async () => {
    renderWithApp(
      <>
        <DownloadsTray />
        <ModelsSection />
      </>,
    );
    await screen.findByRole('table', { name: 'Chat models' }, { timeout: 10_000 });
    fireEvent.change(screen.getByLabelText('Any Ollama model by name'), { target: { value: 'tinyllama:1b' } });
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    const bar = await screen.findByRole('progressbar', { name: /Downloading tinyllama:1b/ });
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    await screen.findByText(/Downloaded: it is now offered in the model pickers/, {}, { timeout: 10_000 });
    expect(screen.getByRole('progressbar', { name: /tinyllama:1b: 100%/ }).getAttribute('aria-valuenow')).toBe('100');
    const chatTable = screen.getByRole('table', { name: 'Chat models' });
    await within(chatTable).findByText('tinyllama:1b', {}, { timeout: 10_000 });
  });

  it('finds a running download again after a reload (a fresh page), and cancels it', async () => {
    server.ollama.pullDelayMs = 400;
    server.ollama.pullChunks = 50;
    await server.api('POST', '/api/settings/models/pull', { model_name: 'slowmodel:7b' });
    renderWithApp(<ModelsSection />);
    await screen.findByRole('progressbar', { name: /Downloading slowmodel:7b/ }, { timeout: 10_000 });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel the download of slowmodel:7b' }));
    await screen.findByText('Cancelled', {}, { timeout: 10_000 });
    const last = server.ollama.requestsTo('/api/pull').at(-1);
    await waitFor(() => expect(last?.hungUp).toBe(true));
  });

  it('says "Ollama is not reachable at <host>" when Ollama is down', async () => {
    const host = server.ollama.url;
    await server.ollama.stop();
    renderWithApp(<ModelsSection />);
    const alert = await screen.findByText(new RegExp(`Ollama is not reachable at ${host.replace(/[.]/g, '\\.')}`), {}, { timeout: 10_000 });
    expect(alert).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Chat models' })).toBeNull();
  });
});

describe('model helpers', () => {
  it('measures the download speed over at least a short window', () => {
    const base = { model_name: 'm', status: 'pulling', total: 10_000_000, percent: 0, done: false };
    const first = trackPull(undefined, { ...base, completed: 0 }, 1_000);
    expect(first.bytesPerSecond).toBeNull();
    const tooSoon = trackPull(first, { ...base, completed: 1_000 }, 1_010);
    expect(tooSoon.bytesPerSecond).toBeNull();
    const second = trackPull(tooSoon, { ...base, completed: 2_000_000 }, 2_000);
    expect(second.bytesPerSecond).toBe(2_000_000);
  });

  it('links "pull it first" messages to Settings › Models', () => {
    render(
      <RouterProvider>
        <ModelHintText text="Model 'x' is not available in Ollama; pull it first" />
      </RouterProvider>,
    );
    expect(screen.getByRole('link', { name: 'Download models in Settings' }).getAttribute('href')).toBe('/settings#models');
    cleanup();
  });
});
