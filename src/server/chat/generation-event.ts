import type { MessageFinish } from '../../protocol/socket-events.ts';
import type { Source } from '../../protocol/source.ts';
import type { AppError } from '../errors.ts';
import type { TruncationReason } from './answer-limits.ts';

/**
 * One answer, as a stream of a discriminated union. Socket.IO and SSE both map this same stream; a
 * missed case fails to compile (see `assertNever`).
 */
export type GenerationEvent =
  | { type: 'received'; chatId: number; userMessageId: number }
  | { type: 'sources'; chatId: number; sources: Source[] }
  | { type: 'token'; chatId: number; messageId: number; seq: number; text: string }
  | {
      type: 'done';
      chatId: number;
      messageId: number;
      model: string;
      sourcesCount: number;
      status: Exclude<MessageFinish, 'failed'>;
      tokens: number;
      /** Set when the server cut the answer at its token or time cap (the model ignored its limit). */
      truncated?: TruncationReason;
    }
  | { type: 'error'; chatId: number; messageId?: number; error: AppError };

export function isTerminal(event: GenerationEvent): boolean {
  return event.type === 'done' || event.type === 'error';
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
