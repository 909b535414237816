import { useState } from 'react';
import { type DocumentPassage, type DocumentResponse, useDocumentPassages } from '../api/documents.ts';
import { plural } from '../lib/format.ts';
import { ErrorNotice, Loading } from './feedback.tsx';
import { Modal } from './modal.tsx';

/** Passages per page of the view. */
export const PASSAGES_PAGE_SIZE = 20;

/** Where a passage sits in its file, as a citation names it: page, section, or sheet and rows. */
export function passagePosition(passage: Pick<DocumentPassage, 'page' | 'heading' | 'sheet' | 'rows'>): string {
  const parts: string[] = [];
  if (passage.page !== null) parts.push(`Page ${passage.page}`);
  if (passage.sheet !== null) parts.push(`Sheet ${passage.sheet}`);
  if (passage.rows !== null) {
    const [first, last] = passage.rows.split('-');
    parts.push(first === last ? `row ${first}` : `rows ${first}–${last}`);
  }
  if (passage.heading !== null) parts.push(`Section “${passage.heading}”`);
  return parts.join(' · ');
}

/**
 * A document as the index holds it: its passages in order, each with its position, a page at a time.
 * The range shown is announced politely, so a screen reader hears where "Next" led.
 */
export function DocumentPassages({ document, onClose }: { document: DocumentResponse; onClose: () => void }) {
  const [offset, setOffset] = useState(0);
  const passages = useDocumentPassages({ projectId: document.project_id, documentId: document.id, offset, limit: PASSAGES_PAGE_SIZE });
  const data = passages.data;
  const total = data?.total ?? 0;
  const last = data ? Math.min(data.offset + data.passages.length, total) : 0;
  return (
    <Modal
      title={`Passages of ${document.filename}`}
      onClose={onClose}
      wide
      footer={
        data && total > PASSAGES_PAGE_SIZE ? (
          <nav className="passages-pager" aria-label="Pages of passages">
            <button
              type="button"
              className="button small"
              disabled={offset === 0 || passages.isFetching}
              onClick={() => setOffset(Math.max(0, offset - PASSAGES_PAGE_SIZE))}
            >
              Previous
            </button>
            <button
              type="button"
              className="button small"
              disabled={offset + PASSAGES_PAGE_SIZE >= total || passages.isFetching}
              onClick={() => setOffset(offset + PASSAGES_PAGE_SIZE)}
            >
              Next
            </button>
          </nav>
        ) : null
      }
    >
      {passages.isError ? (
        <ErrorNotice title="The passages could not be loaded" error={passages.error} onRetry={() => void passages.refetch()} />
      ) : !data ? (
        <Loading label="Loading the passages…" />
      ) : total === 0 ? (
        <p>This document has no passages (yet): it is indexed once it is ready.</p>
      ) : (
        <>
          <p className="muted small" role="status" aria-live="polite">
            {data.passages.length === 0
              ? `No passages past ${plural(total, 'passage')}.`
              : `Passages ${data.offset + 1}–${last} of ${total}`}
          </p>
          <ol className="passage-list" start={data.offset + 1} aria-label={`Passages of ${document.filename}`}>
            {data.passages.map((passage) => (
              <li key={passage.chunk_id} className="passage-item" data-chunk-index={passage.chunk_index}>
                <p className="passage-position small">
                  <strong>Passage {passage.chunk_index + 1}</strong>
                  {passagePosition(passage) ? ` · ${passagePosition(passage)}` : ''}
                  <span className="muted"> · {plural(passage.char_count, 'character')}</span>
                </p>
                <pre className="passage-text">{passage.content}</pre>
              </li>
            ))}
          </ol>
        </>
      )}
    </Modal>
  );
}
