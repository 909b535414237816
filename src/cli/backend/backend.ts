import type { z } from 'zod';
import type { DocumentStage } from '../../protocol/documents.ts';
import type { MessageFinish } from '../../protocol/socket-events.ts';
import type { Source } from '../../protocol/source.ts';
import type { ProjectPortability } from '../portability/project-portability.ts';

export interface ProjectRef {
  id: number;
  name: string;
}

/** A file found on the command line or in a folder, to be uploaded. */
export interface IngestFile {
  /** Absolute path on disk. */
  path: string;
  /** How the command line shows it (relative to the current folder when inside it). */
  displayPath: string;
  /** The name the document gets in the project. */
  filename: string;
}

export type IngestOutcome =
  | { kind: 'completed'; documentId: number; chunks?: number }
  | { kind: 'failed'; reason: string; documentId?: number }
  /** The same content is already in the project: reported, not a failure. */
  | { kind: 'duplicate'; reason: string; duplicateOf?: number };

export interface IngestListener {
  progress(file: IngestFile, update: { stage: z.infer<typeof DocumentStage>; progress: number }): void;
  outcome(file: IngestFile, outcome: IngestOutcome): void;
}

export interface AskResult {
  answer: string;
  sources: Source[];
  model: string;
  chatId: number;
  messageId: number;
  status: Exclude<MessageFinish, 'failed'>;
}

/**
 * What the commands need, behind one interface: the local backend opens DATA_DIR through the domain
 * core; the remote one talks to a running server over REST and Socket.IO, so the web app sees the
 * changes live. Commands never know which one they have.
 */
export interface Backend {
  readonly kind: 'local' | 'remote';
  /** Where the work happens, for messages: the data dir or the server's URL. */
  readonly location: string;
  getProject(projectId: number): Promise<ProjectRef | undefined>;
  findProjectByName(name: string): Promise<ProjectRef | undefined>;
  createProject(name: string): Promise<ProjectRef>;
  /** Uploads the files one after another and resolves once every document has an outcome (or `signal` aborts). */
  ingest(input: { project: ProjectRef; files: IngestFile[]; listener: IngestListener; signal: AbortSignal }): Promise<void>;
  /**
   * Asks in a new chat of the project (or in `chatId`, which must belong to it) and streams the answer
   * through `onToken`. Aborting `signal` stops the generation upstream; the partial answer is saved as stopped.
   */
  ask(input: {
    project: ProjectRef;
    chatId?: number;
    question: string;
    onToken: (text: string) => void;
    signal: AbortSignal;
  }): Promise<AskResult>;
  readonly portability: ProjectPortability;
  close(): Promise<void>;
}
