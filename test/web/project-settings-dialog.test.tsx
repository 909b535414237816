// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectResponse } from '../../src/protocol/rest.ts';
import { ProjectSettingsDialog } from '../../src/web/components/project-settings-dialog.tsx';
import { overridesSummary, projectOverrides } from '../../src/web/lib/project-overrides.ts';
import { DEFAULT_SETTINGS } from './support/settings-fixtures.ts';

const SETTINGS = DEFAULT_SETTINGS;

const MODELS = {
  llm_models: [
    { name: 'llama3.2:latest', size: 2_019_393_189 },
    { name: 'qwen2.5:7b', size: 4_000_000_000 },
  ],
  embedding_models: [{ name: 'nomic-embed-text:latest' }, { name: 'mxbai-embed-large:latest' }],
  current_llm: 'llama3.2',
  current_embedding: 'nomic-embed-text',
};

const PROJECT: ProjectResponse = {
  id: 7,
  name: 'Handbook',
  description: null,
  chroma_collection_name: 'project_7',
  document_count: 0,
  chat_count: 0,
  total_chunks: 0,
  settings: JSON.stringify({ chunk_size: 500, retrieval_k: 8, folder_path: '/data/handbook' }),
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

const puts: { url: string; body: unknown }[] = [];
let putReply: { status: number; body: unknown } = { status: 200, body: PROJECT };
const original = globalThis.fetch;
beforeEach(() => {
  puts.length = 0;
  putReply = { status: 200, body: PROJECT };
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const reply = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (init?.method === 'PUT') {
      puts.push({ url, body: JSON.parse(String(init.body)) });
      return reply(putReply.status, putReply.body);
    }
    if (url.endsWith('/api/settings')) return reply(200, SETTINGS);
    if (url.endsWith('/api/settings/models/installed')) return reply(200, MODELS);
    return reply(404, { detail: 'not found' });
  }) as typeof fetch;
});
afterEach(() => {
  cleanup();
  globalThis.fetch = original;
});

function open(onClose: () => void = () => {}) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ProjectSettingsDialog project={PROJECT} onClose={onClose} />
    </QueryClientProvider>,
  );
}

const numberField = (label: string) => screen.getByLabelText(label, { selector: 'input[type=number]' }) as HTMLInputElement;
const useDefault = (label: string) =>
  screen.getByRole('checkbox', { name: new RegExp(`^${label.replace(/[()]/g, '\\$&')}: Use the global default`) }) as HTMLInputElement;

describe('ProjectSettingsDialog', () => {
  it('shows each global default, and the project’s own overrides', async () => {
    open();
    await screen.findByRole('checkbox', { name: 'Temperature: Use the global default (0.7)' });
    const temperature = numberField('Temperature');
    expect(temperature.disabled).toBe(true);
    expect(temperature.value).toBe('0.7');
    expect(useDefault('Temperature').checked).toBe(true);
    // Overridden here: the field is editable and shows the project's value.
    expect(useDefault('Passage size (characters)').checked).toBe(false);
    expect(numberField('Passage size (characters)').value).toBe('500');
    expect(numberField('Passages per answer (top k)').value).toBe('8');
    await screen.findByRole('option', { name: /qwen2\.5:7b/ });
    const chat = screen.getByLabelText('Chat model') as HTMLSelectElement;
    expect(chat.value).toBe('');
    expect(chat.selectedOptions[0]?.textContent).toBe('Use the global default (llama3.2)');
  });

  it('sends only the changed keys, with null for a cleared override, and closes', async () => {
    let closed = false;
    open(() => (closed = true));
    await screen.findByRole('checkbox', { name: 'Temperature: Use the global default (0.7)' });
    fireEvent.click(useDefault('Temperature'));
    const temperature = numberField('Temperature');
    expect(temperature.disabled).toBe(false);
    expect(document.activeElement).toBe(temperature);
    fireEvent.change(temperature, { target: { value: '0.2' } });
    fireEvent.click(useDefault('Passages per answer (top k)'));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(closed).toBe(true));
    expect(puts).toEqual([{ url: '/api/projects/7', body: { settings: { temperature: 0.2, retrieval_k: null } } }]);
  });

  it('sets the system prompt and documents-only mode with its refusal (trimmed, only the changed keys)', async () => {
    let closed = false;
    open(() => (closed = true));
    await screen.findByRole('checkbox', { name: 'Temperature: Use the global default (0.7)' });
    fireEvent.change(screen.getByLabelText('System prompt'), { target: { value: '  You answer for the HR desk.  ' } });
    expect(screen.queryByLabelText('Refusal')).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: /^Documents only/ }));
    fireEvent.change(screen.getByLabelText('Refusal'), { target: { value: 'Not in the handbook.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(closed).toBe(true));
    expect(puts).toEqual([
      {
        url: '/api/projects/7',
        body: {
          settings: {
            system_prompt: 'You answer for the HR desk.',
            answer_mode: 'documents_only',
            refusal_message: 'Not in the handbook.',
          },
        },
      },
    ]);
  });

  it('refuses an overlap not smaller than the passage size before any request, and says what re-chunking means', async () => {
    open();
    await screen.findByRole('checkbox', { name: 'Temperature: Use the global default (0.7)' });
    // The project's size is 500; the global overlap (200) still fits, an overridden 500 does not.
    fireEvent.click(useDefault('Passage overlap (characters)'));
    fireEvent.change(numberField('Passage overlap (characters)'), { target: { value: '500' } });
    expect(screen.getByText('The overlap must be smaller than the passage size.')).toBeTruthy();
    expect(numberField('Passage overlap (characters)').getAttribute('aria-invalid')).toBe('true');
    const save = screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.change(numberField('Passage overlap (characters)'), { target: { value: '1.5' } });
    expect(screen.getByText('Enter a whole number.')).toBeTruthy();
    fireEvent.change(numberField('Passage overlap (characters)'), { target: { value: '100' } });
    expect(save.disabled).toBe(false);
    expect(screen.getByRole('status').textContent).toMatch(/Existing documents are re-chunked only when you process them again/);
    expect(puts).toEqual([]);
  });

  it('says a new embedding model re-embeds, and shows the server’s {detail} in a sentence', async () => {
    putReply = { status: 422, body: { detail: "settings.embedding_model: model 'mxbai-embed-large:latest' is not an embedding model" } };
    open();
    await screen.findByRole('option', { name: 'mxbai-embed-large:latest' });
    fireEvent.change(screen.getByLabelText('Embedding model'), { target: { value: 'mxbai-embed-large:latest' } });
    expect(screen.getByRole('status').textContent).toMatch(/re-embeds this project’s documents in the background/);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      "The settings were not saved: settings.embedding_model: model 'mxbai-embed-large:latest' is not an embedding model",
    );
    expect(puts.map((put) => put.body)).toEqual([{ settings: { embedding_model: 'mxbai-embed-large:latest' } }]);
  });
});

describe('project overrides summary', () => {
  it('names the overrides in a short line, ignoring other project settings and invalid values', () => {
    const project = { ...PROJECT, settings: JSON.stringify({ folder_path: '/x', retrieval_k: 8, chunk_size: 500, temperature: 'hot' }) };
    expect(overridesSummary(projectOverrides(project))).toBe('top-k 8, chunk size 500');
    expect(overridesSummary(projectOverrides({ ...PROJECT, settings: null }))).toBe('');
  });
});
