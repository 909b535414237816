// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentUpload } from '../../src/web/components/document-upload.tsx';
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

function renderUpload() {
  const client = new QueryClient();
  return render(
    <QueryClientProvider client={client}>
      <DocumentUpload projectId={7} />
    </QueryClientProvider>,
  );
}

function drop(files: File[]) {
  fireEvent.drop(screen.getByTestId('dropzone'), { dataTransfer: { files, types: ['Files'] } });
}

describe('DocumentUpload', () => {
  it('posts every dropped file in one multipart request and shows each file’s bytes as they are sent', () => {
    renderUpload();
    const pdf = new File([new Uint8Array(1000)], 'report.pdf', { type: 'application/pdf' });
    const csv = new File([new Uint8Array(3000)], 'table.csv', { type: 'text/csv' });
    drop([pdf, csv]);

    const request = ScriptedXhr.last!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/projects/7/documents/bulk');
    expect(request.body!.getAll('files').map((file) => (file as File).name)).toEqual(['report.pdf', 'table.csv']);

    const bars = () => screen.getAllByRole('progressbar').map((bar) => bar.getAttribute('aria-valuenow'));
    expect(bars()).toEqual(['0', '0']);
    act(() => request.progress(1000, 4000));
    expect(bars()).toEqual(['100', '0']);
    act(() => request.progress(2500, 4000));
    expect(bars()).toEqual(['100', '50']);
    expect(screen.getByText('1.5 KB of 2.9 KB')).toBeTruthy();
  });

  it('clears accepted files when the server answers, and keeps refused ones with the server’s reason', async () => {
    renderUpload();
    drop([new File(['a'], 'good.txt'), new File(['b'], 'bad.exe')]);
    await act(async () => {
      ScriptedXhr.last!.respond(200, {
        uploaded: [{ id: 1, filename: 'good.txt' }],
        failed: [{ filename: 'bad.exe', error: 'Unsupported file type: .exe' }],
        total: 2,
        successful: 1,
        failed_count: 1,
      });
    });
    expect(screen.queryByText('good.txt')).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe('Unsupported file type: .exe');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss bad.exe' }));
    expect(screen.queryByText('bad.exe')).toBeNull();
  });

  it('shows the server’s {detail} on every file when the whole request is refused', async () => {
    renderUpload();
    drop([new File(['a'], 'one.md'), new File(['b'], 'two.md')]);
    await act(async () => {
      ScriptedXhr.last!.respond(404, { detail: 'Project 7 not found', code: 'not_found' });
    });
    expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toEqual(['Project 7 not found', 'Project 7 not found']);
  });
});
