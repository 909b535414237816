import { describe, expect, it } from 'vitest';
import { TextDeltaCoalescer } from '../../../src/server/chat/text-delta-coalescer.ts';

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('TextDeltaCoalescer', () => {
  it('merges the deltas of one event-loop turn into one', async () => {
    const sent: string[] = [];
    const coalescer = new TextDeltaCoalescer((text) => sent.push(text));
    for (let index = 0; index < 50; index += 1) coalescer.add(`w${index} `);
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([Array.from({ length: 50 }, (_, index) => `w${index} `).join('')]);
  });

  it('sends deltas of different turns separately, so streaming stays live', async () => {
    const sent: string[] = [];
    const coalescer = new TextDeltaCoalescer((text) => sent.push(text));
    for (const text of ['a', 'b', 'c']) {
      coalescer.add(text);
      await nextTurn();
    }
    expect(sent).toEqual(['a', 'b', 'c']);
  });

  it('hands on what is pending at once on flush (before a finish, after a failure, at the end), and never twice', async () => {
    const sent: string[] = [];
    const coalescer = new TextDeltaCoalescer((text) => sent.push(text));
    coalescer.add('half ');
    coalescer.add('done');
    coalescer.flush();
    expect(sent).toEqual(['half done']);
    await nextTurn();
    expect(sent).toEqual(['half done']);
  });

  it('sends a burst past 16 KiB as several deltas, each whole', async () => {
    const sent: string[] = [];
    const coalescer = new TextDeltaCoalescer((text) => sent.push(text));
    for (let index = 0; index < 20; index += 1) coalescer.add('x'.repeat(1024));
    await nextTurn();
    expect(sent.map((text) => text.length)).toEqual([16 * 1024, 4 * 1024]);
  });

  it('keeps each answer apart when many share the turn', async () => {
    const sent: string[] = [];
    const first = new TextDeltaCoalescer((text) => sent.push(`1:${text}`));
    const second = new TextDeltaCoalescer((text) => sent.push(`2:${text}`));
    first.add('a');
    second.add('b');
    first.add('c');
    await nextTurn();
    expect(sent).toEqual(['1:ac', '2:b']);
  });

  it('a failure at the end of a turn does not escape the timer: the answer meets it at its next delta', async () => {
    const coalescer = new TextDeltaCoalescer(() => {
      throw new Error('listener broke');
    });
    coalescer.add('a');
    await nextTurn();
    expect(() => coalescer.add('b')).toThrow('listener broke');
  });
});
