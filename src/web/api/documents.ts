import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../lib/api.ts';
import { queryKeys } from './query-keys.ts';

/**
 * A document as the documents API returns it (issue 3; the original's fields plus `stage` and
 * `progress`). Declared here because the documents routes live in their own branch; the fields
 * are the agreed contract.
 */
export interface DocumentResponse {
  id: number;
  project_id: number;
  filename: string;
  file_type: string;
  file_size: number;
  status: 'pending' | 'processing' | 'completed' | 'failed' | 'error';
  stage?: string | null;
  progress?: number | null;
  page_count: number | null;
  word_count: number | null;
  chunk_count: number | null;
  error_message: string | null;
  created_at: string;
  updated_at: string;
}

/** `POST /api/projects/{id}/documents/bulk`: each file succeeds or fails on its own. */
export interface BulkUploadResponse {
  uploaded: DocumentResponse[];
  failed: Array<{ filename: string; error: string }>;
  total: number;
  successful: number;
  failed_count: number;
}

export function useDocuments(projectId: number) {
  return useQuery({
    queryKey: queryKeys.documents(projectId),
    queryFn: () => apiRequest<DocumentResponse[]>('GET', `/api/projects/${projectId}/documents?limit=1000`),
  });
}

export function useDeleteDocument(projectId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (documentId: number) => apiRequest<void>('DELETE', `/api/documents/${documentId}`),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.documents(projectId) }),
        client.invalidateQueries({ queryKey: queryKeys.project(projectId) }),
      ]),
  });
}

export function useReprocessDocument(projectId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (documentId: number) => apiRequest<unknown>('POST', `/api/documents/${documentId}/reprocess`),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.documents(projectId) }),
  });
}

export function documentUploadUrl(projectId: number): string {
  return `/api/projects/${projectId}/documents/bulk`;
}

export function documentDownloadUrl(documentId: number, page?: number | null): string {
  return `/api/documents/${documentId}/download${page ? `#page=${page}` : ''}`;
}

/** Which documents the browser can show inline: PDFs in its viewer, text types as plain text. */
export function previewKind(document: Pick<DocumentResponse, 'file_type' | 'filename'>): 'pdf' | 'text' | null {
  const type = (document.file_type || document.filename.split('.').pop() || '').toLowerCase();
  if (type === 'pdf') return 'pdf';
  if (['txt', 'md', 'markdown', 'csv', 'html', 'htm', 'text'].includes(type)) return 'text';
  return null;
}

export const ACCEPTED_EXTENSIONS = ['.pdf', '.docx', '.xlsx', '.csv', '.md', '.txt', '.html', '.htm'];
