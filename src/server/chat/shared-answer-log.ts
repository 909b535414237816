import { AppError, type AppErrorCode } from '../errors.ts';
import type { GenerationEvent } from './generation-event.ts';

/** Names shared by every process: the lease that makes a chat busy, its event log, and the bus topics. */
export const answerKeys = {
  lease: (chatId: number) => `answer-lease:${chatId}`,
  log: (chatId: number) => `answer-log:${chatId}`,
  /** Notified after each append, so followers read the log from where they are. */
  appended: (chatId: number) => `answer-appended:${chatId}`,
  stop: 'answer-stop',
  watch: 'answer-watch',
};

/** The first entry of a log: which answer it is (so a late reader never mixes two answers of a chat). */
export interface LogHeader {
  header: true;
  projectId: number;
  owner: string;
}

/** An error crosses processes as its code and public message. */
class RemoteAnswerError extends AppError {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    override readonly expose: boolean,
  ) {
    super(message);
  }
}

export function eventToLog(event: GenerationEvent): unknown {
  if (event.type !== 'error') return event;
  return {
    ...event,
    error: { code: event.error.code, message: event.error.expose ? event.error.message : '', expose: event.error.expose },
  };
}

export function eventFromLog(entry: unknown): GenerationEvent {
  const event = entry as GenerationEvent & { error?: { code: AppErrorCode; message: string; expose: boolean } };
  if (event.type !== 'error') return event;
  const error = event.error as unknown as { code: AppErrorCode; message: string; expose: boolean };
  return { ...event, error: new RemoteAnswerError(error.code, error.message, error.expose) };
}
