import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent } from 'react';
import { ACCEPTED_EXTENSIONS, documentUploadUrl, type BulkUploadResponse } from '../api/documents.ts';
import { queryKeys } from '../api/query-keys.ts';
import { errorMessage } from '../lib/api.ts';
import { formatBytes } from '../lib/format.ts';
import { perFileProgress, uploadFiles } from '../lib/upload.ts';
import { ProgressBar } from './feedback.tsx';
import { CloseIcon, UploadIcon } from './icons.tsx';

interface UploadItem {
  key: string;
  name: string;
  size: number;
  /** 0–1 of this file's bytes sent. */
  sent: number;
  state: 'uploading' | 'failed';
  error: string | null;
}

/**
 * Drop zone and file picker. Each drop is one `POST …/documents/bulk` (multipart `files`); the bars
 * show the bytes really sent (XMLHttpRequest upload progress). Files the server accepted then show
 * their processing progress in the document list; refused ones stay here with the reason.
 */
export function DocumentUpload({ projectId }: { projectId: number }) {
  const client = useQueryClient();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const batch = useRef(0);

  const start = (fileList: FileList | File[]) => {
    const files = [...fileList].filter((file) => file.size >= 0);
    if (files.length === 0) return;
    const batchId = ++batch.current;
    const keys = files.map((file, index) => `${batchId}-${index}-${file.name}`);
    setItems((current) => [
      ...current,
      ...files.map((file, index) => ({
        key: keys[index]!,
        name: file.name,
        size: file.size,
        sent: 0,
        state: 'uploading' as const,
        error: null,
      })),
    ]);
    const sizes = files.map((file) => file.size);
    const update = (key: string, change: Partial<UploadItem>) =>
      setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));

    uploadFiles<BulkUploadResponse>({
      url: documentUploadUrl(projectId),
      files,
      onProgress: (progress) => {
        const fractions = perFileProgress(sizes, progress);
        setItems((current) =>
          current.map((item) => {
            const index = keys.indexOf(item.key);
            return index < 0 ? item : { ...item, sent: fractions[index] ?? item.sent };
          }),
        );
      },
    })
      .then((result) => {
        const failed = new Map((result?.failed ?? []).map((failure) => [failure.filename, failure.error]));
        for (const [index, file] of files.entries()) {
          const reason = failed.get(file.name);
          if (reason !== undefined) update(keys[index]!, { state: 'failed', error: reason, sent: 1 });
        }
        setItems((current) => current.filter((item) => !(keys.includes(item.key) && item.state === 'uploading')));
      })
      .catch((error: unknown) => {
        for (const key of keys) update(key, { state: 'failed', error: errorMessage(error) });
      })
      .finally(() => {
        void client.invalidateQueries({ queryKey: queryKeys.documents(projectId) });
        void client.invalidateQueries({ queryKey: queryKeys.project(projectId) });
      });
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length) start(event.dataTransfer.files);
  };

  return (
    <div className="upload">
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <UploadIcon />
        <p>
          <strong>Drop files here</strong> or{' '}
          <button type="button" className="link-button" onClick={() => input.current?.click()}>
            choose files
          </button>
        </p>
        <p className="muted small">PDF, Word (.docx), Excel (.xlsx), CSV, Markdown, text and HTML. Several at once is fine.</p>
        <input
          ref={input}
          type="file"
          multiple
          accept={ACCEPTED_EXTENSIONS.join(',')}
          className="visually-hidden"
          aria-label="Choose files to upload"
          tabIndex={-1}
          onChange={(event) => {
            if (event.target.files) start(event.target.files);
            event.target.value = '';
          }}
        />
      </div>
      {items.length > 0 ? (
        <ul className="upload-list" aria-label="Uploads">
          {items.map((item) => (
            <li key={item.key} className={`upload-item ${item.state}`}>
              <div className="upload-row">
                <span className="upload-name">{item.name}</span>
                <span className="muted small">
                  {item.state === 'uploading'
                    ? `${formatBytes(Math.round(item.sent * item.size))} of ${formatBytes(item.size)}`
                    : 'Not uploaded'}
                </span>
                {item.state === 'failed' ? (
                  <button
                    type="button"
                    className="icon-button small"
                    aria-label={`Dismiss ${item.name}`}
                    onClick={() => setItems((current) => current.filter((other) => other.key !== item.key))}
                  >
                    <CloseIcon />
                  </button>
                ) : null}
              </div>
              {item.state === 'uploading' ? (
                <ProgressBar value={item.sent * 100} label={`Uploading ${item.name}`} />
              ) : (
                <p className="form-error" role="alert">
                  {item.error}
                </p>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
