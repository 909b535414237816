import type { ChatPart } from '../llm/chat-model.ts';

/** Longest coalesced delta: a burst beyond it is sent as several events, each still one packet. */
const MAX_COALESCED_CHARS = 16 * 1024;

const TICK = Symbol('tick');

/**
 * Merges the text deltas a model yields within one event-loop turn into one delta, for every
 * provider alike. A burst of tiny events (the extractive answer's words, a fast model's tokens)
 * would otherwise become one socket packet each, and long-polling clients that accept a bounded
 * number of packets per poll (python-socketio: 16) would drop the connection mid-answer. A delta
 * is held back at most until the next turn of the event loop, so streaming stays live.
 */
export async function* coalesceTextDeltas(parts: AsyncIterable<ChatPart>): AsyncGenerator<ChatPart> {
  const iterator = parts[Symbol.asyncIterator]();
  let pendingNext: Promise<IteratorResult<ChatPart>> | undefined;
  let text = '';
  try {
    for (;;) {
      const next = pendingNext ?? iterator.next();
      pendingNext = undefined;
      let result: IteratorResult<ChatPart> | typeof TICK;
      try {
        result = text === '' ? await next : await Promise.race([next, nextTick()]);
      } catch (error) {
        // A failing model keeps what it said before the failure (saved as the partial answer).
        if (text) yield { type: 'text-delta', text };
        text = '';
        throw error;
      }
      if (result === TICK) {
        // Nothing more arrived in this turn: send what was gathered, keep waiting for `next`.
        pendingNext = next;
        yield { type: 'text-delta', text };
        text = '';
        continue;
      }
      if (result.done) break;
      const part = result.value;
      if (part.type === 'text-delta') {
        text += part.text;
        if (text.length >= MAX_COALESCED_CHARS) {
          yield { type: 'text-delta', text };
          text = '';
        }
        continue;
      }
      if (text) {
        yield { type: 'text-delta', text };
        text = '';
      }
      yield part;
    }
    if (text) yield { type: 'text-delta', text };
  } finally {
    // The consumer stopped early: end the model's stream too. With a read still in flight the
    // generator queues the return behind it (that read ends when the request's signal aborts).
    const closing = iterator.return?.();
    if (pendingNext === undefined) await closing;
    else {
      pendingNext.catch(() => {});
      closing?.catch(() => {});
    }
  }
}

let currentTick: Promise<typeof TICK> | undefined;

/** Resolves at the end of this event-loop turn; one timer shared by every running answer. */
function nextTick(): Promise<typeof TICK> {
  currentTick ??= new Promise((resolve) =>
    setImmediate(() => {
      currentTick = undefined;
      resolve(TICK);
    }),
  );
  return currentTick;
}
