import { afterAll, describe, expect, it } from 'vitest';
import { readLines, readLinesSync } from '../../../src/server/portability/ndjson-lines.ts';
import { createTempDir } from '../../support/temp-files.ts';

describe('archive table lines', () => {
  const temp = createTempDir('daa-ndjson-');
  afterAll(() => temp.remove());

  async function both(content: string | Buffer) {
    const file = temp.write('table.ndjson', content);
    const streamed: string[] = [];
    for await (const line of readLines(file)) streamed.push(line);
    return { streamed, sync: [...readLinesSync(file)] };
  }

  it('gives the validation pass and the write pass the very same lines, across block boundaries', async () => {
    // A line longer than a read block, multi-byte characters cut by a block edge, a lone \r inside
    // a line (readline would split there), an empty line and no final newline.
    const long = JSON.stringify({ content: 'é'.repeat(300_000) });
    const lines = [long, '{"a":1}\r{"b":2}', '', '{"c":"東京"}'];
    const { streamed, sync } = await both(lines.join('\n'));
    expect(sync).toEqual([long, '{"a":1}\r{"b":2}', '{"c":"東京"}']);
    expect(streamed).toEqual(sync);
  });

  it('reads an empty table as no lines', async () => {
    expect(await both('')).toEqual({ streamed: [], sync: [] });
  });
});
