import fs from 'node:fs';
import type { Logger } from 'pino';
import { LOCAL_ACTOR } from '../../server/access/actor.ts';
import type { GenerationEvent } from '../../server/chat/generation-event.ts';
import type { Config } from '../../server/config.ts';
import { acquireDataDirLock, type HeldDataDirLock } from '../../server/data-dir-lock.ts';
import { createDomain, type Domain } from '../../server/domain.ts';
import { AppError, DuplicateDocumentError, NotFoundError } from '../../server/errors.ts';
import { receiveUpload } from '../../server/ingest/upload-intake.ts';
import { CliError } from '../cli-error.ts';
import { LocalProjectPortability } from '../portability/local-project-portability.ts';
import type { AskResult, Backend, IngestFile, IngestListener, ProjectRef } from './backend.ts';
import { DocumentTracker } from './document-tracker.ts';

/**
 * Opens DATA_DIR itself through the domain core, when no server runs on it. As `owner` (ingest), it is
 * the data dir's owner for the length of the command: it takes the lock, runs the job loop that
 * processes the uploads, and lets go at the end; queued work left by Ctrl-C is picked up by the next
 * owner. Otherwise (ask) it opens the data without owner side effects.
 */
export class LocalBackend implements Backend {
  readonly kind = 'local';
  readonly portability: LocalProjectPortability;

  private constructor(
    private readonly domain: Domain,
    private readonly lock: HeldDataDirLock | undefined,
  ) {
    this.portability = new LocalProjectPortability(domain.archives);
  }

  static async open(config: Config, options: { owner: boolean; logger: Logger }): Promise<LocalBackend> {
    const lock = options.owner ? acquireDataDirLock({ dataDir: config.DATA_DIR, owner: 'cli' }) : undefined;
    try {
      const domain = await createDomain(config, { logger: options.logger, ownsDataDir: options.owner });
      return new LocalBackend(domain, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  get location(): string {
    return this.domain.config.DATA_DIR;
  }

  async getProject(projectId: number): Promise<ProjectRef | undefined> {
    try {
      return refOf(await this.domain.projects.get(LOCAL_ACTOR, projectId));
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async findProjectByName(name: string): Promise<ProjectRef | undefined> {
    const project = await this.domain.projects.findByName(LOCAL_ACTOR, name);
    return project && refOf(project);
  }

  async createProject(name: string): Promise<ProjectRef> {
    return refOf(await this.domain.projects.create(LOCAL_ACTOR, { name }));
  }

  async ingest(input: { project: ProjectRef; files: IngestFile[]; listener: IngestListener; signal: AbortSignal }): Promise<void> {
    const { domain } = this;
    const tracker = new DocumentTracker(input.listener);
    const unsubscribe = domain.events.subscribe((event) => {
      if (event.type !== 'documentProgress' || event.projectId !== input.project.id) return;
      tracker.update({
        documentId: event.documentId,
        status: event.status,
        stage: event.stage,
        progress: event.progress,
        error: event.error,
        chunksTotal: event.chunksTotal,
      });
    });
    try {
      for (const file of input.files) {
        if (input.signal.aborted) break;
        const upload = await receiveUpload({
          stream: fs.createReadStream(file.path),
          tempPath: domain.ingestion.files.newTempPath(),
          maxBytes: domain.config.MAX_UPLOAD_MB * 1024 * 1024,
        }).catch((error: unknown) => {
          if (error instanceof AppError) throw error;
          throw new CliError(`Cannot read '${file.displayPath}': ${(error as Error).message}`, undefined, { cause: error });
        });
        try {
          const document = await domain.documents.addUpload(LOCAL_ACTOR, { projectId: input.project.id, filename: file.filename, upload });
          tracker.track(document.id, file);
        } catch (error) {
          if (error instanceof DuplicateDocumentError) {
            input.listener.outcome(file, { kind: 'duplicate', reason: error.message, duplicateOf: error.existingId });
          } else if (error instanceof AppError && error.expose && !(error instanceof NotFoundError)) {
            input.listener.outcome(file, { kind: 'failed', reason: error.message });
          } else {
            throw error;
          }
        }
      }
      await tracker.settled(input.signal);
    } finally {
      unsubscribe();
    }
  }

  async ask(input: {
    project: ProjectRef;
    chatId?: number;
    question: string;
    onToken: (text: string) => void;
    signal: AbortSignal;
  }): Promise<AskResult> {
    const { chats, access } = this.domain;
    let chatId: number;
    if (input.chatId !== undefined) {
      const chat = await access.requireChat(LOCAL_ACTOR, input.chatId, 'write');
      if (chat.projectId !== input.project.id) throw new CliError(`Chat ${input.chatId} is not a chat of project '${input.project.name}'`);
      chatId = chat.id;
    } else {
      chatId = (await chats.createChat(LOCAL_ACTOR, { projectId: input.project.id })).id;
    }
    const generation = await chats.sendMessage(LOCAL_ACTOR, { chatId, message: input.question });
    const stop = () => generation.stop('stopped');
    input.signal.addEventListener('abort', stop, { once: true });
    if (input.signal.aborted) stop();
    try {
      return await new Promise<AskResult>((resolve, reject) => {
        let answer = '';
        let sources: AskResult['sources'] = [];
        generation.subscribe(
          (event: GenerationEvent) => {
            switch (event.type) {
              case 'received':
                break;
              case 'sources':
                sources = event.sources;
                break;
              case 'token':
                answer += event.text;
                input.onToken(event.text);
                break;
              case 'done':
                resolve({ answer, sources, model: event.model, chatId, messageId: event.messageId, status: event.status });
                break;
              case 'error':
                reject(event.error);
                break;
            }
          },
          { afterSeq: 0, includeReceived: true },
        );
      });
    } finally {
      input.signal.removeEventListener('abort', stop);
    }
  }

  async close(): Promise<void> {
    try {
      await this.domain.close();
    } finally {
      this.lock?.release();
    }
  }
}

function refOf(project: { id: number; name: string }): ProjectRef {
  return { id: project.id, name: project.name };
}
