import type { Source } from '../../protocol/source.ts';
import { documentDownloadUrl } from '../api/documents.ts';
import { ExternalIcon } from './icons.tsx';
import { Modal } from './modal.tsx';

/** "page 3", "sheet Sales, rows 2–11", "section Pricing" … for a source's position. */
export function sourceLocation(source: Source): string {
  const { metadata } = source;
  const parts: string[] = [];
  if (metadata.page != null) parts.push(`page ${metadata.page}`);
  if (metadata.sheet) parts.push(`sheet ${metadata.sheet}`);
  if (metadata.rows) parts.push(`rows ${metadata.rows}`);
  if (metadata.heading) parts.push(`section “${metadata.heading}”`);
  return parts.join(', ');
}

export function isPdfSource(source: Source): boolean {
  return /\.pdf$/i.test(source.metadata.filename) || source.metadata.file_type === 'pdf';
}

/**
 * The document's URL, at the cited page for PDFs (the browser's viewer honours `#page=N`). It is
 * opened as a plain link, never as a `blob:` URL: a blob made by this page has this page's origin, so
 * an uploaded HTML file would run its script here. The server's response instead carries a
 * `sandbox` CSP for every non-PDF file (an opaque origin, no script), and PDFs are served as
 * `application/pdf` with `nosniff` to the browser's PDF viewer, whose document scripts (if any) run
 * in the viewer's own restricted engine, without access to this origin's DOM or storage.
 */
export function sourceDocumentUrl(source: Source): string {
  return documentDownloadUrl(source.metadata.document_id, isPdfSource(source) ? source.metadata.page : null);
}

function formatScore(score: number): string {
  return `${Math.round(score * 100)}%`;
}

/** The answer's sources, numbered as the model cites them. */
export function SourceList({
  sources,
  onOpen,
  activeIndex,
}: {
  sources: Source[];
  onOpen: (index: number) => void;
  activeIndex?: number | null;
}) {
  if (sources.length === 0) {
    return <p className="muted small">No passages from the documents were used for this answer.</p>;
  }
  return (
    <ol className="source-list">
      {sources.map((source, index) => {
        const location = sourceLocation(source);
        return (
          <li key={`${source.id}-${index}`} className={activeIndex === index ? 'active' : undefined}>
            <button
              type="button"
              className="source-item"
              onClick={() => onOpen(index)}
              aria-label={`Source ${index + 1}: ${source.metadata.filename}${location ? `, ${location}` : ''}`}
            >
              <span className="source-number">{index + 1}</span>
              <span className="source-text">
                <span className="source-file">{source.metadata.filename}</span>
                <span className="source-meta">
                  {location ? `${location} · ` : ''}score {formatScore(source.score)}
                </span>
                <span className="source-snippet">{source.content.slice(0, 160)}</span>
              </span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}

/** One cited passage in full, with a link to the document (at the page, for PDFs). */
export function SourceDialog({ source, number, onClose }: { source: Source; number: number; onClose: () => void }) {
  const location = sourceLocation(source);
  const pdfPage = isPdfSource(source) && source.metadata.page != null ? source.metadata.page : null;
  return (
    <Modal
      title={`Source ${number}: ${source.metadata.filename}`}
      onClose={onClose}
      wide
      footer={
        <a className="button primary" href={sourceDocumentUrl(source)} target="_blank" rel="noopener noreferrer">
          <ExternalIcon /> {pdfPage !== null ? `Open the PDF at page ${pdfPage}` : 'Open the document'}
        </a>
      }
    >
      <dl className="source-facts">
        {location ? (
          <>
            <dt>Where</dt>
            <dd>{location}</dd>
          </>
        ) : null}
        <dt>Relevance</dt>
        <dd>{formatScore(source.score)}</dd>
        <dt>Passage</dt>
        <dd>#{source.metadata.chunk_index + 1}</dd>
      </dl>
      <blockquote className="source-passage">{source.content}</blockquote>
    </Modal>
  );
}
