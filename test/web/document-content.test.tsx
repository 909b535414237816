// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { sortDocuments } from '../../src/web/components/document-list.tsx';
import { htmlBlocks, parsePreview, previewFormat } from '../../src/web/lib/document-content.ts';

describe('document preview content', () => {
  it('reads converted DOCX HTML as headings, paragraphs, lists and tables of plain text', () => {
    const blocks = htmlBlocks(
      '<h1>Parking</h1><p>Visitors <strong>park</strong> in B.</p><script>alert(1)</script><p><img src="x" onerror="alert(1)"></p>' +
        '<ul><li>one</li><li>two</li></ul><table><tr><td>Garage</td><td>Who</td></tr><tr><td>B</td><td><b>Visitors</b></td></tr></table>',
    );
    expect(blocks).toEqual([
      { type: 'heading', level: 1, text: 'Parking' },
      { type: 'paragraph', text: 'Visitors park in B.' },
      { type: 'list', ordered: false, items: ['one', 'two'] },
      {
        type: 'table',
        rows: [
          ['Garage', 'Who'],
          ['B', 'Visitors'],
        ],
      },
    ]);
  });

  it('parses CSV with quoted commas into rows, and Markdown as text', async () => {
    const bytes = new TextEncoder().encode('item,price\n"tea, green",1.80\n').buffer as ArrayBuffer;
    expect(await parsePreview('csv', bytes)).toEqual({
      kind: 'sheets',
      sheets: [
        {
          name: 'CSV',
          rows: [
            ['item', 'price'],
            ['tea, green', '1.80'],
          ],
          omitted: 0,
        },
      ],
    });
    expect(previewFormat('', 'notes.MD')).toBe('markdown');
    expect(previewFormat('pdf', 'a.pdf')).toBeNull();
  });

  it('sorts documents by date, name (numbers in order) and size', () => {
    const doc = (id: number, filename: string, created_at: string, file_size: number) => ({ id, filename, created_at, file_size }) as never;
    const list = [
      doc(1, 'report 10.pdf', '2026-01-02', 5),
      doc(2, 'report 9.pdf', '2026-01-03', 50),
      doc(3, 'Annex.pdf', '2026-01-01', 20),
    ];
    const names = (sorted: Array<{ filename: string }>) => sorted.map((document) => document.filename);
    expect(names(sortDocuments(list, 'newest'))).toEqual(['report 9.pdf', 'report 10.pdf', 'Annex.pdf']);
    expect(names(sortDocuments(list, 'oldest'))).toEqual(['Annex.pdf', 'report 10.pdf', 'report 9.pdf']);
    expect(names(sortDocuments(list, 'name'))).toEqual(['Annex.pdf', 'report 9.pdf', 'report 10.pdf']);
    expect(names(sortDocuments(list, 'size'))).toEqual(['report 9.pdf', 'Annex.pdf', 'report 10.pdf']);
  });
});
