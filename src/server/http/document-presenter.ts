import type { DocumentPassage, DocumentResponse } from '../../protocol/documents.ts';
import type { ChunkRecord, DocumentRecord } from '../store/store.ts';

/** Whitelists what a document shows on the wire (never the stored name or paths). */
export function presentDocument(document: DocumentRecord): DocumentResponse {
  return {
    id: document.id,
    project_id: document.projectId,
    filename: document.filename,
    file_type: document.fileType,
    mime_type: document.mimeType,
    file_size: document.fileSize,
    status: document.status,
    stage: document.stage,
    progress: document.progress,
    page_count: document.pageCount,
    word_count: document.wordCount,
    chunk_count: document.chunkCount,
    error_message: document.errorMessage,
    content_hash: document.contentHash,
    doc_metadata: document.docMetadata,
    embedding_model: document.embeddingModel,
    created_at: document.createdAt,
    updated_at: document.updatedAt,
  };
}

/** A stored chunk as a passage of its document. */
export function presentPassage(chunk: ChunkRecord): DocumentPassage {
  return {
    chunk_id: chunk.id,
    chunk_index: chunk.chunkIndex,
    content: chunk.content,
    char_count: chunk.content.length,
    start_char: chunk.startChar,
    end_char: chunk.endChar,
    page: chunk.page,
    heading: chunk.heading,
    sheet: chunk.sheet,
    rows: chunk.rows,
  };
}
