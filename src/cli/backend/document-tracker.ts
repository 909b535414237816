import type { z } from 'zod';
import type { DocumentStage, DocumentStatus } from '../../protocol/documents.ts';
import type { IngestFile, IngestListener } from './backend.ts';

export interface DocumentStatusUpdate {
  documentId: number;
  status: z.infer<typeof DocumentStatus>;
  stage: z.infer<typeof DocumentStage>;
  progress: number;
  error?: string | null;
  chunksTotal?: number;
}

/**
 * Follows uploaded documents until each is completed or failed, from whatever reports their status
 * (domain events locally, `document_status` remotely). A status may arrive before the upload call has
 * returned the document's id, so the latest one per unknown document is kept until it is tracked.
 */
export class DocumentTracker {
  private readonly early = new Map<number, DocumentStatusUpdate>();
  private readonly tracked = new Map<number, { file: IngestFile; resolve: () => void }>();
  private readonly waits: Promise<void>[] = [];

  constructor(private readonly listener: IngestListener) {}

  /** Follows a document from now on; its outcome goes to the listener. */
  track(documentId: number, file: IngestFile): void {
    this.waits.push(
      new Promise<void>((resolve) => {
        this.tracked.set(documentId, { file, resolve });
      }),
    );
    const early = this.early.get(documentId);
    this.early.delete(documentId);
    if (early) this.update(early);
  }

  update(update: DocumentStatusUpdate): void {
    const entry = this.tracked.get(update.documentId);
    if (!entry) {
      this.early.set(update.documentId, update);
      return;
    }
    if (update.status === 'completed') {
      this.tracked.delete(update.documentId);
      this.listener.outcome(entry.file, { kind: 'completed', documentId: update.documentId, chunks: update.chunksTotal });
      entry.resolve();
    } else if (update.status === 'failed') {
      this.tracked.delete(update.documentId);
      this.listener.outcome(entry.file, {
        kind: 'failed',
        documentId: update.documentId,
        reason: update.error || 'Processing failed',
      });
      entry.resolve();
    } else {
      this.listener.progress(entry.file, { stage: update.stage, progress: update.progress });
    }
  }

  /** Ids of documents without an outcome yet. */
  pendingIds(): number[] {
    return [...this.tracked.keys()];
  }

  /** Resolves when every tracked document has an outcome, or when `signal` aborts. */
  async settled(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([Promise.all(this.waits), aborted]);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }
}
