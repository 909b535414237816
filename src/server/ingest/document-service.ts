import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import { DuplicateDocumentError, NotFoundError, UnsupportedMediaError } from '../errors.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { ChunkRecord, DocumentRecord, Store } from '../store/store.ts';
import { detectFileType } from './detect-file-type.ts';
import type { DocumentFiles } from './document-files.ts';
import type { DocumentProgress } from './document-progress.ts';
import { displayFilename } from './display-filename.ts';
import type { JobSignals } from './job-signals.ts';
import type { ReceivedUpload } from './upload-intake.ts';

/**
 * Documents as the user sees them: add an upload (type checked from its bytes, duplicates refused),
 * rename, reprocess, delete (cancelling a running job; file, chunks, full-text and vectors go at
 * once). Transport-free: routes call it, events announce what changed.
 */
export class DocumentService {
  constructor(
    private readonly deps: {
      store: Store;
      access: AccessPolicy;
      files: DocumentFiles;
      events: DomainEvents;
      /** Wake-ups and cancels; every process's runner hears them in a cluster. */
      runner: JobSignals;
      progress: DocumentProgress;
    },
  ) {}

  /**
   * Takes a received upload (temp file) into the project and queues it. The temp file is consumed:
   * moved into place, or removed when the upload is refused (415, 409, missing project).
   */
  async addUpload(
    actor: Actor,
    input: { projectId: number; filename: string | undefined; upload: ReceivedUpload },
  ): Promise<DocumentRecord> {
    const { store, access, files, events, runner, progress } = this.deps;
    const { upload } = input;
    try {
      const project = await access.requireProject(actor, input.projectId, 'write');
      const filename = displayFilename(input.filename);
      const detected = await detectFileType({ filePath: upload.tempPath, filename });
      if (!detected.ok) throw new UnsupportedMediaError(detected.message);
      const existing = await store.documents.findByHash(project.id, upload.sha256);
      if (existing) {
        throw new DuplicateDocumentError(`This content is already in the project as '${existing.filename}'`, existing.id);
      }
      const storedName = files.newStoredName(detected.fileType);
      await files.adopt(upload.tempPath, project.id, storedName);
      let document: DocumentRecord;
      try {
        document = await store.documents.create({
          projectId: project.id,
          filename,
          fileType: detected.fileType,
          mimeType: detected.mimeType,
          fileSize: upload.size,
          storedName,
          contentHash: upload.sha256,
        });
      } catch (error) {
        await files.remove(project.id, storedName);
        throw error;
      }
      await store.jobs.enqueue({ kind: 'parse', projectId: project.id, documentId: document.id });
      events.publish({ type: 'documentAdded', projectId: project.id, document });
      await progress.report(document, { status: 'pending', stage: 'queued', progress: 0 });
      runner.wake();
      return document;
    } finally {
      await files.removeTemp(upload.tempPath);
    }
  }

  async update(
    actor: Actor,
    id: number,
    patch: { filename?: string; docMetadata?: Record<string, unknown> | null },
  ): Promise<DocumentRecord> {
    await this.deps.access.requireDocument(actor, id, 'write');
    const document = await this.deps.store.documents.update(id, {
      ...patch,
      filename: patch.filename === undefined ? undefined : displayFilename(patch.filename),
    });
    if (!document) throw new NotFoundError(`Document ${id} not found`);
    this.deps.events.publish({ type: 'documentUpdated', projectId: document.projectId, documentId: id, filename: document.filename });
    return document;
  }

  /** Parses and indexes the document again; its current chunks keep answering until the new ones replace them. */
  async reprocess(actor: Actor, id: number): Promise<DocumentRecord> {
    const { store, access, runner, progress, events } = this.deps;
    const document = await access.requireDocument(actor, id, 'write');
    runner.cancelDocument(id, 'reprocess');
    // Pending before the job exists, and read back before the runner is woken: a runner (of any
    // process sharing the store) that claims the job at once must not be overwritten or reported.
    progress.forget(id);
    await progress.report(document, { status: 'pending', stage: 'queued', progress: 0, error: null });
    await store.jobs.enqueue({ kind: 'parse', projectId: document.projectId, documentId: id });
    const queued = await access.requireDocument(actor, id, 'read');
    events.publish({ type: 'documentUpdated', projectId: document.projectId, documentId: id, status: 'pending' });
    runner.wake();
    return queued;
  }

  /**
   * One page of a document's passages in order, as indexed (a document being processed again has
   * none until it is ready). The document must belong to the project named: a document id of
   * another project is not found, like one that does not exist.
   */
  async passages(
    actor: Actor,
    options: { projectId: number; documentId: number; offset: number; limit: number },
  ): Promise<{ document: DocumentRecord; passages: ChunkRecord[]; total: number }> {
    const { store, access } = this.deps;
    const document = await access.requireDocument(actor, options.documentId, 'read');
    if (document.projectId !== options.projectId) throw new NotFoundError(`Document ${options.documentId} not found`);
    const { chunks, total } = await store.analytics.searchChunks({
      projectId: document.projectId,
      documentId: document.id,
      skip: options.offset,
      limit: options.limit,
    });
    return { document, passages: chunks, total };
  }

  /** Nothing of the document is retrievable once this returns. */
  async delete(actor: Actor, id: number): Promise<DocumentRecord> {
    const { store, access, files, runner, events, progress } = this.deps;
    await access.requireDocument(actor, id, 'write');
    runner.cancelDocument(id, 'deleted');
    const removed = await store.documents.delete(id);
    if (!removed) throw new NotFoundError(`Document ${id} not found`);
    progress.forget(id);
    await files.remove(removed.projectId, removed.storedName);
    events.publish({ type: 'documentDeleted', projectId: removed.projectId, documentId: id });
    return removed;
  }

  /** Hard-deleted project: its rows are gone by cascade; stop its jobs and remove its files and vector tables. */
  async purgeProject(projectId: number): Promise<void> {
    this.deps.runner.cancelProject(projectId);
    await this.deps.files.removeProject(projectId);
    await this.deps.store.vectors.dropOrphanStorage();
  }
}
