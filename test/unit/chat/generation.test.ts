import { describe, expect, it } from 'vitest';
import { GenerationRegistry } from '../../../src/server/chat/generation-registry.ts';
import type { GenerationEvent } from '../../../src/server/chat/generation-event.ts';
import { BusyError } from '../../../src/server/errors.ts';

describe('Generation and registry', () => {
  it('replays after a seq, then delivers live, then ends', () => {
    const registry = new GenerationRegistry({ graceMs: 1000, retainMs: 1000 });
    const generation = registry.start(1, 1);
    expect(() => registry.start(1, 1)).toThrow(BusyError);
    generation.publish({ type: 'received', chatId: 1, userMessageId: 1 });
    generation.publish({ type: 'sources', chatId: 1, sources: [] });
    for (let seq = 1; seq <= 3; seq += 1) generation.publish({ type: 'token', chatId: 1, messageId: 2, seq, text: `t${seq}` });
    const seen: GenerationEvent[] = [];
    const unsubscribe = generation.subscribe((event) => seen.push(event), { afterSeq: 2 });
    generation.publish({ type: 'token', chatId: 1, messageId: 2, seq: 4, text: 't4' });
    generation.publish({ type: 'done', chatId: 1, messageId: 2, model: 'm', sourcesCount: 0, status: 'complete', tokens: 4 });
    expect(seen.map((event) => (event.type === 'token' ? event.seq : event.type))).toEqual(['sources', 3, 4, 'done']);
    unsubscribe();
    expect(generation.finished).toBe(true);
    // A finished generation frees the chat.
    expect(registry.start(1, 1)).not.toBe(generation);
  });

  it('stops by itself when the last listener has been gone for the grace period', async () => {
    const registry = new GenerationRegistry({ graceMs: 20, retainMs: 1000 });
    const generation = registry.start(7, 1);
    const unsubscribe = generation.subscribe(() => {});
    unsubscribe();
    await new Promise((resolve) => generation.signal.addEventListener('abort', resolve));
    expect(generation.stopReason).toBe('interrupted');
  });

  it('a new listener within the grace period keeps it alive', async () => {
    const registry = new GenerationRegistry({ graceMs: 30, retainMs: 1000 });
    const generation = registry.start(8, 1);
    generation.subscribe(() => {})();
    generation.subscribe(() => {}, { afterSeq: 0 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(generation.signal.aborted).toBe(false);
  });
});
