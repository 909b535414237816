import { ApiError, errorFromBody } from './api.ts';

export interface UploadProgress {
  /** Bytes of the request body sent so far, and in total (multipart overhead included). */
  loaded: number;
  total: number;
}

/**
 * POSTs files as multipart (`files`, repeated) with real byte progress from
 * `XMLHttpRequest.upload.onprogress` (fetch cannot report upload progress). Resolves with the JSON
 * answer; rejects with ApiError carrying the server's `{detail}`.
 */
export function uploadFiles<T>(options: {
  url: string;
  files: File[];
  field?: string;
  /** Plain form fields sent before the files (e.g. an import's `name`). */
  fields?: Record<string, string>;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}): Promise<T> {
  const { url, files, field = 'files', onProgress, signal } = options;
  return new Promise<T>((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
    for (const file of files) form.append(field, file, file.name);
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.setRequestHeader('accept', 'application/json');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.({ loaded: event.loaded, total: event.total });
    };
    request.onload = () => {
      let parsed: unknown;
      try {
        parsed = request.responseText ? JSON.parse(request.responseText) : undefined;
      } catch {
        parsed = undefined;
      }
      if (request.status >= 200 && request.status < 300) resolve(parsed as T);
      else reject(errorFromBody(request.status, parsed, request.responseText));
    };
    request.onerror = () => reject(new ApiError('The upload failed: the server cannot be reached.', 0, 'network'));
    request.onabort = () => reject(new ApiError('Upload cancelled', 0, 'aborted'));
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(form);
  });
}

/**
 * Splits the request's byte progress over its files. Parts are sent in order, so a file is done once
 * the bytes before and including it are sent (the multipart headers make this a close estimate).
 */
export function perFileProgress(sizes: number[], progress: UploadProgress): number[] {
  const payload = sizes.reduce((sum, size) => sum + size, 0);
  const overhead = Math.max(0, progress.total - payload);
  const perFileOverhead = sizes.length ? overhead / sizes.length : 0;
  let offset = 0;
  return sizes.map((size) => {
    const span = size + perFileOverhead;
    const done = Math.min(Math.max(progress.loaded - offset, 0), span);
    offset += span;
    return span === 0 ? 1 : done / span;
  });
}
