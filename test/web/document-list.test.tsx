// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentResponse } from '../../src/web/api/documents.ts';
import { DocumentList } from '../../src/web/components/document-list.tsx';
import { ToastProvider } from '../../src/web/components/toasts.tsx';

afterEach(cleanup);

function document(overrides: Partial<DocumentResponse>): DocumentResponse {
  return {
    id: 1,
    project_id: 7,
    filename: 'file.pdf',
    file_type: 'pdf',
    mime_type: 'application/pdf',
    file_size: 1000,
    status: 'completed',
    stage: 'completed',
    progress: 100,
    page_count: null,
    word_count: null,
    chunk_count: 0,
    error_message: null,
    content_hash: null,
    doc_metadata: null,
    embedding_model: null,
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
    ...overrides,
  };
}

function renderList(documents: DocumentResponse[]) {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <DocumentList projectId={7} documents={documents} isPending={false} statuses={new Map()} />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

function row(filename: string): HTMLElement {
  return screen.getByText(filename).closest('li')!;
}

describe('DocumentList', () => {
  it('counts a workbook’s sheets as sheets, and does not repeat the “Ready” badge in the detail line', () => {
    renderList([
      document({ id: 1, filename: 'budget.xlsx', file_type: 'xlsx', page_count: 2, chunk_count: 3, word_count: 40 }),
      document({ id: 2, filename: 'report.pdf', file_type: 'pdf', page_count: 1, chunk_count: 1, word_count: 9 }),
    ]);
    expect(row('budget.xlsx').querySelector('.document-detail')?.textContent).toBe('2 sheets · 3 passages · 40 words');
    expect(row('report.pdf').querySelector('.document-detail')?.textContent).toBe('1 page · 1 passage · 9 words');
  });

  it('shows a failed document’s reason as a sentence, then how to retry', () => {
    renderList([
      document({
        filename: 'scan.pdf',
        status: 'failed',
        stage: 'failed',
        error_message: 'This PDF has no text layer (scanned?); OCR is not supported yet',
      }),
    ]);
    const item = row('scan.pdf');
    expect(within(item).getByRole('alert').textContent).toBe(
      'This PDF has no text layer (scanned?); OCR is not supported yet. Use “Retry” to try again.',
    );
    expect(within(item).getByRole('button', { name: 'Process scan.pdf again' })).toBeTruthy();
  });
});
