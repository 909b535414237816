import { describe, expectTypeOf, it } from 'vitest';
import type { ClientToServerEvents, MessageTokenEvent, ServerToClientEvents } from '../../../src/protocol/socket-events.ts';

describe('socket event maps', () => {
  it('type the seed events and our extensions', () => {
    expectTypeOf<Parameters<ServerToClientEvents['message_token']>[0]>().toEqualTypeOf<MessageTokenEvent>();
    expectTypeOf<MessageTokenEvent>().toHaveProperty('seq').toEqualTypeOf<number>();
    expectTypeOf<Parameters<ServerToClientEvents['message_complete']>[0]['metadata']>().toHaveProperty('stopped').toEqualTypeOf<boolean>();
    expectTypeOf<Parameters<ClientToServerEvents['send_message']>[0]>().toHaveProperty('chat_id');
    expectTypeOf<Parameters<ClientToServerEvents['resume_message']>[0]>().toHaveProperty('after_seq');
    expectTypeOf<Parameters<ServerToClientEvents['error']>[0]>().toHaveProperty('chat_id').toEqualTypeOf<number | undefined>();
  });
});
