import { describe, expect, it } from 'vitest';
import { BoundedLineSplitter } from '../../../../src/server/llm/http/bounded-line-splitter.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('BoundedLineSplitter', () => {
  it('gives the same lines however the bytes are cut (mid-line, mid-character, many lines per read)', () => {
    const text = '{"a":"é€😀"}\n{"b":2}\n\n{"c":"ü"}\nrest';
    const all = bytes(text);
    for (let cut = 0; cut <= all.length; cut += 1) {
      const splitter = new BoundedLineSplitter({ maxLineBytes: 64, label: 'test' });
      const lines = [...splitter.push(all.slice(0, cut)), ...splitter.push(all.slice(cut))];
      expect([...lines, splitter.end()], `cut at ${cut}`).toEqual(['{"a":"é€😀"}', '{"b":2}', '', '{"c":"ü"}', 'rest']);
    }
  });

  it('refuses a line past the limit inside one read, and one built up over several reads', () => {
    const inOneRead = new BoundedLineSplitter({ maxLineBytes: 8, label: 'Upstream' });
    expect(() => inOneRead.push(bytes('short\nmuch too long a line\nok\n'))).toThrow(/Upstream sent more than 8 bytes/);
    const overReads = new BoundedLineSplitter({ maxLineBytes: 8, label: 'Upstream' });
    expect(overReads.push(bytes('ok\nabcd'))).toEqual(['ok']);
    expect(() => overReads.push(bytes('efghij\n'))).toThrow(/more than 8 bytes/);
  });
});
