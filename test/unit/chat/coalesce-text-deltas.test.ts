import { describe, expect, it } from 'vitest';
import { coalesceTextDeltas } from '../../../src/server/chat/coalesce-text-deltas.ts';
import type { ChatPart } from '../../../src/server/llm/chat-model.ts';

async function collect(parts: AsyncIterable<ChatPart>): Promise<ChatPart[]> {
  const out: ChatPart[] = [];
  for await (const part of coalesceTextDeltas(parts)) out.push(part);
  return out;
}

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('coalesceTextDeltas', () => {
  it('merges the deltas of one event-loop turn into one, and keeps the finish part', async () => {
    async function* burst(): AsyncGenerator<ChatPart> {
      for (let index = 0; index < 50; index += 1) yield { type: 'text-delta', text: `w${index} ` };
      yield { type: 'finish', reason: 'stop' };
    }
    const parts = await collect(burst());
    expect(parts).toEqual([
      { type: 'text-delta', text: Array.from({ length: 50 }, (_, index) => `w${index} `).join('') },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('sends deltas of different turns separately, so streaming stays live', async () => {
    async function* slow(): AsyncGenerator<ChatPart> {
      yield { type: 'text-delta', text: 'a' };
      await nextTurn();
      yield { type: 'text-delta', text: 'b' };
      await nextTurn();
      yield { type: 'text-delta', text: 'c' };
    }
    expect((await collect(slow())).map((part) => (part.type === 'text-delta' ? part.text : part.type))).toEqual(['a', 'b', 'c']);
  });

  it('hands on the text gathered before a failure, then the failure', async () => {
    async function* failing(): AsyncGenerator<ChatPart> {
      yield { type: 'text-delta', text: 'half ' };
      yield { type: 'text-delta', text: 'done' };
      throw new Error('upstream broke');
    }
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const part of coalesceTextDeltas(failing())) if (part.type === 'text-delta') seen.push(part.text);
      })(),
    ).rejects.toThrow('upstream broke');
    expect(seen).toEqual(['half done']);
  });

  it('closes the model stream when the consumer stops early', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<ChatPart> {
      try {
        for (;;) {
          yield { type: 'text-delta', text: 'x' };
          await nextTurn();
        }
      } finally {
        closed = true;
      }
    }
    for await (const part of coalesceTextDeltas(endless())) {
      expect(part.type).toBe('text-delta');
      break;
    }
    await nextTurn();
    await nextTurn();
    expect(closed).toBe(true);
  });
});
