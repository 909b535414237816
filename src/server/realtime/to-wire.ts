import type { ServerToClientEvents } from '../../protocol/socket-events.ts';
import { assertNever, type GenerationEvent } from '../chat/generation-event.ts';

type WireEvent = {
  [Name in keyof ServerToClientEvents]: [Name, Parameters<ServerToClientEvents[Name]>[0]];
}[keyof ServerToClientEvents];

/** Maps a generation event to the seed's socket event and payload. */
export function generationEventToWire(event: GenerationEvent): WireEvent | undefined {
  switch (event.type) {
    case 'received':
      return [
        'message_received',
        { chat_id: event.chatId, status: 'processing', user_message_id: event.userMessageId },
      ];
    case 'sources':
      return ['message_sources', { chat_id: event.chatId, sources: event.sources }];
    case 'token':
      return ['message_token', { chat_id: event.chatId, token: event.text, seq: event.seq, message_id: event.messageId }];
    case 'done':
      return [
        'message_complete',
        {
          chat_id: event.chatId,
          message_id: event.messageId,
          metadata: {
            model: event.model,
            sources_count: event.sourcesCount,
            stopped: event.status === 'stopped',
            status: event.status,
            tokens: event.tokens,
            ...(event.truncated ? { truncated: event.truncated } : {}),
          },
        },
      ];
    case 'error':
      return [
        'error',
        {
          message: event.error.expose ? event.error.message : 'The answer failed because of an internal error',
          chat_id: event.chatId,
          code: event.error.code,
        },
      ];
    default:
      return assertNever(event);
  }
}
