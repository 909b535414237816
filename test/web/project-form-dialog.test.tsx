// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectFormDialog } from '../../src/web/components/project-form-dialog.tsx';

const calls: string[] = [];
const original = globalThis.fetch;
beforeEach(() => {
  calls.length = 0;
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    calls.push(String(input));
    return new Response(JSON.stringify({ detail: 'body.name: name must be at most 255 characters' }), { status: 422 });
  }) as typeof fetch;
});
afterEach(() => {
  cleanup();
  globalThis.fetch = original;
});

describe('ProjectFormDialog', () => {
  it('stops a name over the server’s 255-character limit with a plain sentence, before any request', async () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ProjectFormDialog onClose={() => {}} />
      </QueryClientProvider>,
    );
    const name = screen.getByLabelText('Name') as HTMLInputElement;
    expect(name.maxLength).toBe(255);
    // A paste (or a script) can go past maxLength; the check still holds.
    fireEvent.change(name, { target: { value: 'x'.repeat(256) } });
    fireEvent.click(screen.getByRole('button', { name: 'Create project' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The name can be at most 255 characters.');
    expect(calls).toEqual([]);
  });
});
