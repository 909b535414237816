import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { RemoteProjectPortability } from '../portability/remote-project-portability.ts';
import type { AskResult, Backend, IngestFile, IngestListener, ProjectRef } from './backend.ts';
import { DocumentTracker } from './document-tracker.ts';
import { RestClient, RestError } from './rest-client.ts';
import {
  ChatBody,
  DocumentBody,
  DocumentStatusEvent,
  DuplicateBody,
  ErrorEvent,
  MessageCompleteEvent,
  MessageReceivedEvent,
  MessageSourcesEvent,
  MessageTokenEvent,
  ProjectBody,
  UploadBody,
} from './server-events.ts';

const PROJECT_PAGE = 1_000;

/**
 * Talks to a running server: REST for projects, uploads and chats; Socket.IO for document progress
 * (the project room's `document_status`) and for answers (`send_message`, `stop_generation`). Every
 * change goes through the server, so the web app sees it live.
 */
export class RemoteBackend implements Backend {
  readonly kind = 'remote';
  readonly portability: RemoteProjectPortability;

  private constructor(
    private readonly rest: RestClient,
    private readonly token: string | undefined,
  ) {
    this.portability = new RemoteProjectPortability(rest);
  }

  /** Checks that the server answers before any work starts. */
  static async connect(options: { url: string; token?: string }): Promise<RemoteBackend> {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new CliError(`'${options.url}' is not a URL (expected e.g. http://127.0.0.1:8000)`);
    }
    const rest = new RestClient(base.origin, options.token);
    await rest.send('GET', '/health');
    return new RemoteBackend(rest, options.token);
  }

  get location(): string {
    return this.rest.baseUrl;
  }

  async getProject(projectId: number): Promise<ProjectRef | undefined> {
    try {
      return refOf(await this.rest.json(ProjectBody, 'GET', `/api/projects/${projectId}`));
    } catch (error) {
      if (error instanceof RestError && error.status === 404) return undefined;
      throw this.mapped(error);
    }
  }

  async findProjectByName(name: string): Promise<ProjectRef | undefined> {
    const fold = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
    let folded: ProjectRef | undefined;
    for (let skip = 0; ; skip += PROJECT_PAGE) {
      const page = await this.rest
        .json(ProjectBody.array(), 'GET', `/api/projects?skip=${skip}&limit=${PROJECT_PAGE}`)
        .catch((error: unknown) => {
          throw this.mapped(error);
        });
      const exact = page.find((project) => project.name === name);
      if (exact) return refOf(exact);
      const match = page.find((project) => fold(project.name) === fold(name));
      folded ??= match && refOf(match);
      if (page.length < PROJECT_PAGE) return folded;
    }
  }

  async createProject(name: string): Promise<ProjectRef> {
    return refOf(
      await this.rest.json(ProjectBody, 'POST', '/api/projects', { json: { name } }).catch((error: unknown) => {
        throw this.mapped(error);
      }),
    );
  }

  async ingest(input: { project: ProjectRef; files: IngestFile[]; listener: IngestListener; signal: AbortSignal }): Promise<void> {
    const tracker = new DocumentTracker(input.listener);
    const socket = await this.openSocket({ reconnection: true });
    try {
      socket.on('document_status', (raw: unknown) => {
        const event = DocumentStatusEvent.safeParse(raw);
        if (!event.success) return;
        tracker.update({
          documentId: event.data.document_id,
          status: event.data.status,
          stage: event.data.stage ?? 'queued',
          progress: event.data.progress,
          error: event.data.error,
          chunksTotal: event.data.chunks_total,
        });
      });
      await this.joinProject(socket, input.project.id);
      // A reconnect loses the room and whatever was sent meanwhile: join again, then read the
      // documents still in flight from REST.
      socket.io.on('reconnect', () => {
        void this.joinProject(socket, input.project.id)
          .then(() => this.refresh(tracker))
          .catch(() => undefined);
      });

      const lost = new Promise<never>((_resolve, reject) => {
        socket.io.on('reconnect_failed', () =>
          reject(new CliError(`Lost the connection to the server at ${this.rest.baseUrl}; the uploaded documents go on processing there`)),
        );
      });
      lost.catch(() => undefined);

      for (const file of input.files) {
        if (input.signal.aborted) break;
        await this.upload(input.project, file, tracker, input.listener);
      }
      await Promise.race([tracker.settled(input.signal), lost]);
    } finally {
      socket.disconnect();
    }
  }

  async ask(input: {
    project: ProjectRef;
    chatId?: number;
    question: string;
    onToken: (text: string) => void;
    signal: AbortSignal;
  }): Promise<AskResult> {
    let chatId: number;
    try {
      if (input.chatId !== undefined) {
        const chat = await this.rest.json(ChatBody, 'GET', `/api/chats/${input.chatId}`);
        if (chat.project_id !== input.project.id)
          throw new CliError(`Chat ${input.chatId} is not a chat of project '${input.project.name}'`);
        chatId = chat.id;
      } else {
        chatId = (await this.rest.json(ChatBody, 'POST', '/api/chats', { json: { project_id: input.project.id } })).id;
      }
    } catch (error) {
      throw this.mapped(error);
    }

    const socket = await this.openSocket({ reconnection: false });
    try {
      return await new Promise<AskResult>((resolve, reject) => {
        let answer = '';
        let sources: AskResult['sources'] = [];
        let received = false;
        let stopRequested = false;
        const stop = () => {
          stopRequested = true;
          // Before `message_received` the server has no answer to stop yet; it is stopped once it has.
          if (received) socket.emit('stop_generation', { chat_id: chatId });
        };
        input.signal.addEventListener('abort', stop, { once: true });
        const settle = (finish: () => void) => {
          input.signal.removeEventListener('abort', stop);
          finish();
        };
        const on = <Schema extends z.ZodType>(name: string, schema: Schema, handle: (data: z.infer<Schema>) => void) => {
          socket.on(name, (raw: unknown) => {
            const parsed = schema.safeParse(raw);
            if (parsed.success) handle(parsed.data);
          });
        };
        on('message_received', MessageReceivedEvent, (event) => {
          if (event.chat_id !== chatId) return;
          received = true;
          if (stopRequested || input.signal.aborted) socket.emit('stop_generation', { chat_id: chatId });
        });
        on('message_sources', MessageSourcesEvent, (event) => {
          if (event.chat_id === chatId) sources = event.sources;
        });
        on('message_token', MessageTokenEvent, (event) => {
          if (event.chat_id !== chatId) return;
          answer += event.token;
          input.onToken(event.token);
        });
        on('message_complete', MessageCompleteEvent, (event) => {
          if (event.chat_id !== chatId) return;
          const status = event.metadata.status ?? (event.metadata.stopped ? 'stopped' : 'complete');
          settle(() => resolve({ answer, sources, model: event.metadata.model, chatId, messageId: event.message_id, status }));
        });
        on('error', ErrorEvent, (event) => {
          // A late stop (the answer had just finished) is not the answer's failure.
          if (event.chat_id !== undefined && event.chat_id !== chatId) return;
          if (stopRequested && event.code === 'not_found') return;
          settle(() => reject(new CliError(event.message)));
        });
        socket.on('disconnect', (reason) => {
          settle(() =>
            reject(new CliError(`The connection to the server at ${this.rest.baseUrl} was lost (${reason}); the answer goes on there`)),
          );
        });
        socket.emit('send_message', { chat_id: chatId, message: input.question });
      });
    } finally {
      socket.disconnect();
    }
  }

  async close(): Promise<void> {}

  private async upload(project: ProjectRef, file: IngestFile, tracker: DocumentTracker, listener: IngestListener): Promise<void> {
    let blob: Blob;
    try {
      blob = await fs.openAsBlob(file.path);
    } catch (error) {
      throw new CliError(`Cannot read '${file.displayPath}': ${(error as Error).message}`, undefined, { cause: error });
    }
    const form = new FormData();
    form.append('file', blob, file.filename);
    try {
      const { document } = await this.rest.json(UploadBody, 'POST', `/api/projects/${project.id}/documents`, { body: form });
      tracker.track(document.id, file);
    } catch (error) {
      if (error instanceof RestError && error.status === 409) {
        const duplicate = DuplicateBody.safeParse(error.body);
        listener.outcome(file, { kind: 'duplicate', reason: error.detail, duplicateOf: duplicate.data?.duplicate_of });
      } else if (error instanceof RestError && (error.status === 413 || error.status === 415 || error.status === 400)) {
        listener.outcome(file, { kind: 'failed', reason: error.detail });
      } else {
        throw this.mapped(error);
      }
    }
  }

  /** After a reconnect: the documents still in flight, as the server has them now. */
  private async refresh(tracker: DocumentTracker): Promise<void> {
    for (const documentId of tracker.pendingIds()) {
      const document = await this.rest.json(DocumentBody, 'GET', `/api/documents/${documentId}`);
      tracker.update({
        documentId: document.id,
        status: document.status,
        stage: document.stage,
        progress: document.progress,
        error: document.error_message,
      });
    }
  }

  private async openSocket(options: { reconnection: boolean }): Promise<Socket> {
    const socket = io(this.rest.baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: options.reconnection,
      // About half a minute of retries (the client's backoff caps at 5 s) before giving up.
      reconnectionAttempts: 8,
      forceNew: true,
      auth: this.token ? { token: this.token } : undefined,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => {
        socket.disconnect();
        const reason = error.message === 'unauthorized' ? 'the API token was refused: set DAA_TOKEN' : error.message;
        reject(new CliError(`Cannot open the realtime connection to ${this.rest.baseUrl} (${reason})`, undefined, { cause: error }));
      });
    });
    return socket;
  }

  private joinProject(socket: Socket, projectId: number): Promise<void> {
    return new Promise((resolve) => {
      const onJoined = (raw: { project_id?: unknown }) => {
        if (Number(raw?.project_id) !== projectId) return;
        socket.off('project_joined', onJoined);
        resolve();
      };
      socket.on('project_joined', onJoined);
      socket.emit('join_project', { project_id: projectId });
    });
  }

  /** REST errors that reach a command: their `{detail}` sentence. */
  private mapped(error: unknown): unknown {
    if (error instanceof RestError) return new CliError(error.detail, undefined, { cause: error });
    return error;
  }
}

function refOf(project: { id: number; name: string }): ProjectRef {
  return { id: project.id, name: project.name };
}
