// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectExportLink } from '../../src/web/components/project-export-link.tsx';
import { ProjectImportButton } from '../../src/web/components/project-import-button.tsx';
import { ToastProvider } from '../../src/web/components/toasts.tsx';
import { ScriptedXhr } from './support/scripted-xhr.ts';

const original = globalThis.XMLHttpRequest;
beforeEach(() => {
  ScriptedXhr.last = undefined;
  globalThis.XMLHttpRequest = ScriptedXhr as unknown as typeof XMLHttpRequest;
});
afterEach(() => {
  cleanup();
  globalThis.XMLHttpRequest = original;
});

function renderImport(onImported: (project: { id: number; name: string }) => void = () => {}) {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <ProjectImportButton onImported={onImported} />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

function pick(file: File) {
  fireEvent.change(screen.getByLabelText('Project archive to import'), { target: { files: [file] } });
}

describe('Import project', () => {
  it('uploads the archive in the field `file` with byte progress, then waits for the import and opens the new project', async () => {
    const imported: Array<{ id: number; name: string }> = [];
    renderImport((project) => imported.push(project));
    pick(new File([new Uint8Array(4000)], 'orchard.daa.zip', { type: 'application/zip' }));

    // 1. The request: one multipart POST with the archive.
    const request = ScriptedXhr.last!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/projects/import');
    expect((request.body!.get('file') as File).name).toBe('orchard.daa.zip');
    expect(screen.getByRole('button', { name: /Import project/ })).toHaveProperty('disabled', true);

    // 2. Bytes go out: the bar follows them.
    act(() => request.progress(1000, 4000));
    expect(screen.getByRole('progressbar', { name: 'Uploading orchard.daa.zip' }).getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByText('Uploading orchard.daa.zip… 25%')).toBeTruthy();

    // 3. All sent: the server checks and imports (no percentage to show).
    act(() => request.progress(4000, 4000));
    expect(screen.getByRole('progressbar', { name: 'Importing orchard.daa.zip' }).getAttribute('aria-valuenow')).toBeNull();

    // 4. 201: the new project is handed on and the button is free again.
    await act(async () => request.respond(201, { id: 12, name: 'Orchard (2)' }));
    expect(imported).toEqual([{ id: 12, name: 'Orchard (2)' }]);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByRole('button', { name: /Import project/ })).toHaveProperty('disabled', false);
  });

  it('shows the server’s sentence when the archive is refused', async () => {
    const imported: unknown[] = [];
    renderImport((project) => imported.push(project));
    pick(new File([new Uint8Array(10)], 'broken.zip', { type: 'application/zip' }));
    await act(async () =>
      ScriptedXhr.last!.respond(422, {
        detail: "The project archive was altered or damaged: the checksum of 'chunks.ndjson' does not match",
      }),
    );
    expect(screen.getByRole('alert').textContent).toBe(
      "The project could not be imported: The project archive was altered or damaged: the checksum of 'chunks.ndjson' does not match",
    );
    expect(imported).toEqual([]);
  });
});

describe('Export project', () => {
  it('is a download link to the project’s archive', () => {
    render(
      <ToastProvider>
        <ProjectExportLink projectId={5} />
      </ToastProvider>,
    );
    const link = screen.getByRole('link', { name: /Export project/ });
    expect(link.getAttribute('href')).toBe('/api/projects/5/export');
    expect(link.hasAttribute('download')).toBe(true);
  });
});
