import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BulkUploadResponse, DocumentPassage, DocumentPassagesResponse, DocumentResponse } from '../../protocol/documents.ts';
import { apiRequest } from '../lib/api.ts';
import { queryKeys } from './query-keys.ts';

/** A document and the bulk upload's answer, exactly as the server's schemas declare them. */
export type { BulkUploadResponse, DocumentPassage, DocumentPassagesResponse, DocumentResponse };

export function useDocuments(projectId: number) {
  return useQuery({
    queryKey: queryKeys.documents(projectId),
    queryFn: () => apiRequest<DocumentResponse[]>('GET', `/api/projects/${projectId}/documents?limit=1000`),
  });
}

/** One page of a document's passages; the previous page stays on screen while the next loads. */
export function useDocumentPassages(options: { projectId: number; documentId: number; offset: number; limit: number }) {
  const { projectId, documentId, offset, limit } = options;
  return useQuery({
    queryKey: queryKeys.documentPassages(projectId, documentId, offset, limit),
    queryFn: () =>
      apiRequest<DocumentPassagesResponse>(
        'GET',
        `/api/projects/${projectId}/documents/${documentId}/chunks?offset=${offset}&limit=${limit}`,
      ),
    placeholderData: keepPreviousData,
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

export function useBulkDeleteDocuments(projectId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (documentIds: number[]) =>
      apiRequest<{ successful: number; failed_count: number }>('POST', '/api/documents/bulk-delete', { document_ids: documentIds }),
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

/**
 * Which documents the browser can show inline: PDFs in its viewer; DOCX, XLSX, CSV and Markdown
 * parsed and rendered (lib/document-content.ts); other text types as plain text.
 */
export function previewKind(document: Pick<DocumentResponse, 'file_type' | 'filename'>): 'pdf' | 'rendered' | 'text' | null {
  const type = (document.file_type || document.filename.split('.').pop() || '').toLowerCase();
  if (type === 'pdf') return 'pdf';
  if (['docx', 'xlsx', 'csv', 'md', 'markdown'].includes(type)) return 'rendered';
  if (['txt', 'html', 'htm', 'text'].includes(type)) return 'text';
  return null;
}

export const ACCEPTED_EXTENSIONS = ['.pdf', '.docx', '.xlsx', '.csv', '.md', '.txt', '.html', '.htm'];
