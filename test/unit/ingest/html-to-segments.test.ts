import { describe, expect, it } from 'vitest';
import { htmlToSegments } from '../../../src/server/ingest/parsers/html-to-segments.ts';

describe('htmlToSegments', () => {
  it('keeps visible text only, in sections under their headings', () => {
    const { segments, title } = htmlToSegments(`<!doctype html><html><head><title>Guide &amp; notes</title>
      <style>body { color: red }</style><script>var secret = "do not index";</script></head>
      <body><nav>Home</nav><h1>Getting <em>started</em></h1><p>First   paragraph
      spans lines.</p><p>Second<br>line two</p><div hidden>hidden text</div><noscript>enable js</noscript>
      <h2>Details</h2><ul><li>one</li><li>two</li></ul><pre>code  kept
  indented</pre><template><p>template text</p></template></body></html>`);
    expect(title).toBe('Guide & notes');
    expect(segments).toEqual([
      { text: 'Home', kind: 'prose' },
      { text: 'Getting started\n\nFirst paragraph spans lines.\n\nSecond\nline two', heading: 'Getting started', kind: 'prose' },
      { text: 'Details\n\none\n\ntwo\n\ncode  kept\n  indented', heading: 'Getting started › Details', kind: 'prose' },
    ]);
    const all = segments.map((segment) => segment.text).join(' ');
    for (const invisible of ['do not index', 'color: red', 'hidden text', 'enable js', 'template text']) {
      expect(all).not.toContain(invisible);
    }
  });

  it('turns a table into rows with its first row as header, between the prose around it', () => {
    const { segments } = htmlToSegments(`<h1>Prices</h1><p>Before.</p>
      <table><thead><tr><th>Item</th><th>Price</th></tr></thead>
      <tbody><tr><td><p>Tea</p><p>green</p></td><td>3</td></tr><tr><td>Cake</td><td></td></tr><tr><td></td><td></td></tr></tbody></table>
      <p>After.</p>`);
    expect(segments).toEqual([
      { text: 'Prices\n\nBefore.', heading: 'Prices', kind: 'prose' },
      { text: 'Tea green | 3\nCake', header: 'Item | Price', heading: 'Prices', kind: 'rows' },
      { text: 'After.', heading: 'Prices', kind: 'prose' },
    ]);
  });
});
