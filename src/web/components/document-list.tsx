import { useEffect, useState } from 'react';
import type { DocumentStatusEvent } from '../../protocol/socket-events.ts';
import {
  documentDownloadUrl,
  previewKind,
  useBulkDeleteDocuments,
  useDeleteDocument,
  useReprocessDocument,
  type DocumentResponse,
} from '../api/documents.ts';
import { errorMessage } from '../lib/api.ts';
import { formatBytes, formatRelativeTime, plural } from '../lib/format.ts';
import { MAX_PREVIEW_BYTES, type PreviewContent, parsePreview, previewFormat } from '../lib/document-content.ts';
import { AnswerMarkdown } from './answer-markdown.tsx';
import { EmptyState, Loading, ProgressBar } from './feedback.tsx';
import { DocumentPassages } from './document-passages.tsx';
import { DownloadIcon, EyeIcon, FileIcon, PassagesIcon, RetryIcon, TrashIcon } from './icons.tsx';
import { ConfirmDialog, Modal } from './modal.tsx';
import { useToast } from './toasts.tsx';

/** What a document's row shows: the saved row, overlaid with its latest live status. */
export interface DocumentView {
  status: DocumentResponse['status'];
  progress: number;
  stage: string | null;
  error: string | null;
  detail: string;
}

export function documentView(document: DocumentResponse, live?: DocumentStatusEvent): DocumentView {
  const status = live?.status ?? document.status;
  const stage = live?.stage ?? document.stage ?? null;
  const error = (live ? live.error : null) ?? document.error_message ?? null;
  const progress = live?.progress ?? document.progress ?? (status === 'completed' ? 100 : 0);
  return { status, progress, stage, error, detail: stageDetail({ status, stage, live, document }) };
}

function stageDetail(options: { status: string; stage: string | null; live?: DocumentStatusEvent; document: DocumentResponse }): string {
  const { status, stage, live, document } = options;
  // A workbook's "pages" are its sheets.
  const unit = document.file_type === 'xlsx' ? 'sheet' : 'page';
  if (status === 'completed') {
    const parts = [
      document.page_count ? plural(document.page_count, unit) : null,
      document.chunk_count ? plural(document.chunk_count, 'passage') : null,
      document.word_count ? plural(document.word_count, 'word') : null,
    ].filter(Boolean);
    // The status badge already says "Ready"; the line gives the facts.
    return parts.length ? parts.join(' · ') : 'Ready';
  }
  if (status === 'failed') return 'Failed';
  switch (stage) {
    case 'parsing':
      return live?.pages_total ? `Reading ${unit} ${live.pages_done ?? 0} of ${live.pages_total}` : 'Reading the file';
    case 'chunking':
      return 'Splitting into passages';
    case 'embedding':
      return live?.chunks_total ? `Embedding passages ${live.chunks_done ?? 0} of ${live.chunks_total}` : 'Embedding passages';
    case 'indexing':
      return 'Indexing';
    case 'queued':
      return 'Queued';
    default:
      return status === 'pending' ? 'Queued' : 'Processing';
  }
}

/** Server messages come without a final stop; the hint that follows needs one. */
function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

const STATUS_LABEL: Record<string, string> = {
  pending: 'Queued',
  processing: 'Processing',
  completed: 'Ready',
  failed: 'Failed',
  error: 'Failed',
};

export function DocumentList({
  projectId,
  documents,
  isPending,
  statuses,
  readOnly = false,
}: {
  projectId: number;
  documents: DocumentResponse[] | undefined;
  isPending: boolean;
  statuses: ReadonlyMap<number, DocumentStatusEvent>;
  /** A viewer's list: preview and download only (no reprocess, no delete). */
  readOnly?: boolean;
}) {
  const [previewing, setPreviewing] = useState<DocumentResponse | null>(null);
  const [reading, setReading] = useState<DocumentResponse | null>(null);
  const [deleting, setDeleting] = useState<DocumentResponse | null>(null);
  const remove = useDeleteDocument(projectId);
  const reprocess = useReprocessDocument(projectId);
  const bulkDelete = useBulkDeleteDocuments(projectId);
  const toast = useToast();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<DocumentSort>('newest');
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [confirmingBulk, setConfirmingBulk] = useState(false);

  if (isPending) return <Loading label="Loading documents…" />;
  if (!documents || documents.length === 0) {
    return (
      <EmptyState title="No documents yet">
        Add the files you want to ask about. They are read, split into passages and indexed here, on this machine.
      </EmptyState>
    );
  }

  const shown = sortDocuments(
    documents.filter((document) => document.filename.toLowerCase().includes(filter.trim().toLowerCase())),
    sort,
  );
  const chosen = documents.filter((document) => selected.has(document.id));
  const allShownSelected = shown.length > 0 && shown.every((document) => selected.has(document.id));
  const toggle = (id: number, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <>
      <div className="document-toolbar">
        <input
          type="search"
          aria-label="Search documents"
          placeholder="Search documents"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
        <select aria-label="Sort documents" value={sort} onChange={(event) => setSort(event.target.value as DocumentSort)}>
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
          <option value="name">Name A–Z</option>
          <option value="size">Largest first</option>
        </select>
      </div>
      <div className="document-bulk">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={allShownSelected}
            onChange={(event) => setSelected(event.target.checked ? new Set(shown.map((document) => document.id)) : new Set())}
          />{' '}
          Select all{filter.trim() ? ' shown' : ''}
        </label>
        {chosen.length > 0 ? (
          <button type="button" className="button small danger" onClick={() => setConfirmingBulk(true)}>
            <TrashIcon /> Delete {plural(chosen.length, 'document')}
          </button>
        ) : null}
      </div>
      {shown.length === 0 ? <p className="muted small">No document name contains “{filter.trim()}”.</p> : null}
      <ul className="document-list" aria-label="Documents">
        {shown.map((document) => {
          const view = documentView(document, statuses.get(document.id));
          const working = view.status === 'pending' || view.status === 'processing';
          const failed = view.status === 'failed';
          return (
            <li key={document.id} className="document-item" data-status={view.status} data-document-id={document.id}>
              <div className="document-main">
                <input
                  type="checkbox"
                  className="document-select"
                  aria-label={`Select ${document.filename}`}
                  checked={selected.has(document.id)}
                  onChange={(event) => toggle(document.id, event.target.checked)}
                />
                <span className={`file-badge file-${document.file_type}`} aria-hidden="true">
                  <FileIcon />
                  <span>{(document.file_type || '?').toUpperCase()}</span>
                </span>
                <div className="document-text">
                  <span className="document-name" title={document.filename}>
                    {document.filename}
                  </span>
                  <span className="muted small">
                    {formatBytes(document.file_size)} · added {formatRelativeTime(document.created_at)}
                  </span>
                </div>
                <span className={`badge badge-doc-${view.status}`}>{STATUS_LABEL[view.status] ?? view.status}</span>
                <span className="document-actions">
                  {previewKind(document) && view.status === 'completed' ? (
                    <button
                      type="button"
                      className="icon-button small"
                      aria-label={`Preview ${document.filename}`}
                      title="Preview"
                      onClick={() => setPreviewing(document)}
                    >
                      <EyeIcon />
                    </button>
                  ) : null}
                  {view.status === 'completed' ? (
                    <button
                      type="button"
                      className="icon-button small"
                      aria-label={`Passages of ${document.filename}`}
                      title="Passages"
                      onClick={() => setReading(document)}
                    >
                      <PassagesIcon />
                    </button>
                  ) : null}
                  <a
                    className="icon-button small"
                    href={documentDownloadUrl(document.id)}
                    download={document.filename}
                    aria-label={`Download ${document.filename}`}
                    title="Download"
                  >
                    <DownloadIcon />
                  </a>
                  {!working && !readOnly ? (
                    <button
                      type="button"
                      className="icon-button small"
                      aria-label={`Process ${document.filename} again`}
                      title={failed ? 'Retry' : 'Process again'}
                      disabled={reprocess.isPending && reprocess.variables === document.id}
                      onClick={() =>
                        reprocess.mutate(document.id, {
                          onError: (error) => toast.show(`Could not restart ${document.filename}: ${errorMessage(error)}`, 'error'),
                        })
                      }
                    >
                      <RetryIcon />
                    </button>
                  ) : null}
                  {readOnly ? null : (
                    <button
                      type="button"
                      className="icon-button small"
                      aria-label={`Delete ${document.filename}`}
                      title="Delete"
                      onClick={() => setDeleting(document)}
                    >
                      <TrashIcon />
                    </button>
                  )}
                </span>
              </div>
              {working ? (
                <div className="document-progress">
                  <ProgressBar value={view.progress} label={`Processing ${document.filename}`} />
                  <span className="muted small">
                    {view.detail} · {Math.round(view.progress)}%
                  </span>
                </div>
              ) : failed ? (
                <p className="form-error" role="alert">
                  {asSentence(view.error ?? 'Processing failed')} Use “Retry” to try again.
                </p>
              ) : (
                <p className="muted small document-detail">{view.detail}</p>
              )}
            </li>
          );
        })}
      </ul>
      {previewing ? (
        <DocumentPreview
          document={previewing}
          onClose={() => setPreviewing(null)}
          onShowPassages={() => {
            setReading(previewing);
            setPreviewing(null);
          }}
        />
      ) : null}
      {reading ? <DocumentPassages document={reading} onClose={() => setReading(null)} /> : null}
      {confirmingBulk ? (
        <ConfirmDialog
          title={`Delete ${plural(chosen.length, 'document')}?`}
          confirmLabel={`Delete ${plural(chosen.length, 'document')}`}
          busy={bulkDelete.isPending}
          error={bulkDelete.error ? errorMessage(bulkDelete.error) : null}
          onCancel={() => {
            bulkDelete.reset();
            setConfirmingBulk(false);
          }}
          onConfirm={() =>
            bulkDelete.mutate(
              chosen.map((document) => document.id),
              {
                onSuccess: (result) => {
                  toast.show(`${plural(result.successful, 'document')} deleted`, 'success');
                  setSelected(new Set());
                  setConfirmingBulk(false);
                },
              },
            )
          }
        >
          <p>{chosen.map((document) => document.filename).join(', ')}: the files and their indexed passages are removed.</p>
        </ConfirmDialog>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete “${deleting.filename}”?`}
          confirmLabel="Delete document"
          busy={remove.isPending}
          error={remove.error ? errorMessage(remove.error) : null}
          onCancel={() => {
            remove.reset();
            setDeleting(null);
          }}
          onConfirm={() =>
            remove.mutate(deleting.id, {
              onSuccess: () => {
                toast.show(`${deleting.filename} deleted`, 'success');
                setDeleting(null);
              },
            })
          }
        >
          <p>The file and its indexed passages are removed. Past answers keep their quotes.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

type DocumentSort = 'newest' | 'oldest' | 'name' | 'size';

export function sortDocuments(documents: DocumentResponse[], sort: DocumentSort): DocumentResponse[] {
  const sorted = [...documents];
  switch (sort) {
    case 'newest':
      return sorted.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
    case 'oldest':
      return sorted.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
    case 'name':
      return sorted.sort((a, b) => a.filename.localeCompare(b.filename, undefined, { numeric: true, sensitivity: 'base' }));
    case 'size':
      return sorted.sort((a, b) => b.file_size - a.file_size);
  }
}

const PREVIEW_LIMIT = 200_000;

/** PDFs in the browser's viewer, DOCX / XLSX / CSV / Markdown rendered, other text as plain text (HTML is shown as source, never run). */
export function DocumentPreview({
  document,
  onClose,
  page,
  onShowPassages,
}: {
  document: DocumentResponse;
  onClose: () => void;
  page?: number | null;
  /** Offered in the footer: the same document as its indexed passages. */
  onShowPassages?: () => void;
}) {
  const kind = previewKind(document);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (kind !== 'text') return;
    const controller = new AbortController();
    fetch(documentDownloadUrl(document.id), { signal: controller.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`The file could not be loaded (${response.status})`);
        const content = await response.text();
        setText(
          content.length > PREVIEW_LIMIT
            ? `${content.slice(0, PREVIEW_LIMIT)}\n\n… (preview cut here; download the file for the rest)`
            : content,
        );
      })
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(reason));
      });
    return () => controller.abort();
  }, [document.id, kind]);

  return (
    <Modal
      title={document.filename}
      onClose={onClose}
      wide
      footer={
        <>
          {onShowPassages ? (
            <button type="button" className="button" onClick={onShowPassages}>
              <PassagesIcon /> Passages
            </button>
          ) : null}
          <a className="button" href={documentDownloadUrl(document.id)} download={document.filename}>
            <DownloadIcon /> Download
          </a>
        </>
      }
    >
      {kind === 'pdf' ? (
        <PdfFrame document={document} page={page} />
      ) : kind === 'rendered' ? (
        <RenderedPreview document={document} />
      ) : kind === 'text' ? (
        error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : text === null ? (
          <Loading label="Loading the file…" />
        ) : (
          <pre className="text-preview">{text}</pre>
        )
      ) : (
        <p>There is no preview for {document.file_type.toUpperCase()} files. Download the file to open it.</p>
      )}
    </Modal>
  );
}

/** The PDF in the browser's viewer, straight from the download URL (see sourceDocumentUrl on why not a blob). */
function PdfFrame({ document, page }: { document: DocumentResponse; page?: number | null }) {
  return <iframe className="pdf-frame" title={`Preview of ${document.filename}`} src={documentDownloadUrl(document.id, page)} />;
}

/** A DOCX, workbook, CSV or Markdown file, parsed in the tab from the server's copy and shown as text. */
function RenderedPreview({ document }: { document: DocumentResponse }) {
  const [content, setContent] = useState<PreviewContent | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const format = previewFormat(document.file_type, document.filename);
    if (!format) return;
    const controller = new AbortController();
    fetch(documentDownloadUrl(document.id), { signal: controller.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`The file could not be loaded (${response.status})`);
        if (Number(response.headers.get('content-length') ?? 0) > MAX_PREVIEW_BYTES) {
          throw new Error('This file is too large to preview here; download it to open it.');
        }
        const parsed = await parsePreview(format, await response.arrayBuffer());
        if (!controller.signal.aborted) setContent(parsed);
      })
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(reason));
      });
    return () => controller.abort();
  }, [document.id, document.file_type, document.filename]);

  if (error) {
    return (
      <p className="form-error" role="alert">
        {error}
      </p>
    );
  }
  if (!content) return <Loading label="Reading the file…" />;
  if (content.kind === 'markdown') {
    return (
      <div className="document-rendered">
        <AnswerMarkdown text={content.text} sources={[]} />
      </div>
    );
  }
  if (content.kind === 'sheets') {
    return (
      <div className="document-rendered">
        {content.sheets.map((sheet) => (
          <section key={sheet.name} aria-label={`Sheet ${sheet.name}`}>
            {content.sheets.length > 1 || sheet.name !== 'CSV' ? <h3>{sheet.name}</h3> : null}
            <PreviewTable rows={sheet.rows} label={sheet.name} header />
            {sheet.omitted > 0 ? (
              <p className="muted small">{plural(sheet.omitted, 'more row')} not shown; download the file for them.</p>
            ) : null}
          </section>
        ))}
      </div>
    );
  }
  return (
    <div className="document-rendered markdown">
      {content.blocks.map((block, index) => {
        const key = `${block.type}-${index}`;
        switch (block.type) {
          case 'heading': {
            // Headings of the document sit under the dialog's own title (h2).
            const Tag = `h${Math.min(6, block.level + 2)}` as 'h3';
            return <Tag key={key}>{block.text}</Tag>;
          }
          case 'paragraph':
            return <p key={key}>{block.text}</p>;
          case 'list': {
            const List = block.ordered ? 'ol' : 'ul';
            return (
              <List key={key}>
                {block.items.map((item, itemIndex) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the items of one parsed list, in order
                  <li key={itemIndex}>{item}</li>
                ))}
              </List>
            );
          }
          case 'table':
            return <PreviewTable key={key} rows={block.rows} label="Table" header />;
        }
      })}
    </div>
  );
}

function PreviewTable({ rows, label, header }: { rows: string[][]; label: string; header: boolean }) {
  const [head, ...body] = header ? rows : [undefined, ...rows];
  return (
    <div className="table-scroll">
      <table aria-label={label}>
        {head ? (
          <thead>
            <tr>
              {head.map((cell, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns of a parsed row
                <th key={index}>{cell}</th>
              ))}
            </tr>
          </thead>
        ) : null}
        <tbody>
          {body.map((row, rowIndex) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows of a parsed table, in order
            <tr key={rowIndex}>
              {(row ?? []).map((cell, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns of a parsed row
                <td key={index}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
