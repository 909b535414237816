import type { DomainEvents } from '../events/domain-events.ts';
import type { DocumentStage, DocumentStatus, Store } from '../store/store.ts';

export interface ProgressUpdate {
  status: DocumentStatus;
  stage: DocumentStage;
  progress: number;
  error?: string | null;
  pagesDone?: number;
  pagesTotal?: number;
  chunksDone?: number;
  chunksTotal?: number;
}

/**
 * Saves a document's processing state and announces it as `document_status`. Progress never goes
 * backwards while a document is in flight (a retry resumes from where the bar was), so clients can
 * draw it as is; it resets once the document is completed or failed.
 */
export class DocumentProgress {
  private readonly highest = new Map<number, number>();
  /** The last write of each document in flight: writes of one document run one after the other. */
  private readonly writes = new Map<number, Promise<unknown>>();

  constructor(private readonly deps: { store: Store; events: DomainEvents }) {}

  /**
   * Returns false when the document is gone. Reports of one document are saved in the order they
   * were made: a parser's progress is reported without waiting, and with a pool of connections
   * (PostgreSQL) a late `parsing` write could otherwise land after `completed` and leave the
   * document `processing` for good.
   */
  report(document: { id: number; projectId: number }, update: ProgressUpdate): Promise<boolean> {
    const previous = this.writes.get(document.id) ?? Promise.resolve();
    const write = previous.catch(() => undefined).then(() => this.save(document, update));
    this.writes.set(document.id, write);
    void write
      .finally(() => {
        if (this.writes.get(document.id) === write) this.writes.delete(document.id);
      })
      .catch(() => undefined);
    return write;
  }

  private async save(document: { id: number; projectId: number }, update: ProgressUpdate): Promise<boolean> {
    const final = update.stage === 'completed' || update.stage === 'failed';
    const progress = final ? update.progress : Math.max(this.highest.get(document.id) ?? 0, Math.min(99, Math.round(update.progress)));
    if (final) this.highest.delete(document.id);
    else this.highest.set(document.id, progress);
    const saved =
      update.stage === 'failed' ||
      (await this.deps.store.documents.setProgress(document.id, {
        status: update.status,
        stage: update.stage,
        progress,
        errorMessage: update.error === undefined ? undefined : update.error,
      }));
    if (!saved) return false;
    this.deps.events.publish({
      type: 'documentProgress',
      projectId: document.projectId,
      documentId: document.id,
      status: update.status,
      stage: update.stage,
      progress,
      error: update.error ?? null,
      ...(update.pagesTotal !== undefined ? { pagesDone: update.pagesDone ?? 0, pagesTotal: update.pagesTotal } : {}),
      ...(update.chunksTotal !== undefined ? { chunksDone: update.chunksDone ?? 0, chunksTotal: update.chunksTotal } : {}),
    });
    return true;
  }

  forget(documentId: number): void {
    this.highest.delete(documentId);
  }
}
