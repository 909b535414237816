// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DimensionalityReductionResponse, SimilarityMatrixResponse } from '../../src/web/api/analytics.ts';
import { EmbeddingMap } from '../../src/web/components/analytics/embedding-map.tsx';
import { ScoreHistogram } from '../../src/web/components/analytics/score-histogram.tsx';
import { SimilarityHeatmap } from '../../src/web/components/analytics/similarity-heatmap.tsx';

afterEach(cleanup);

const points = [
  { x: 0.5, y: 1, z: 2, chunk_id: 'a0', chunk_index: 0, document_id: 4, document_name: 'zeta.txt', text_preview: 'first passage' },
  { x: -1, y: 0.25, z: -0.5, chunk_id: 'b3', chunk_index: 3, document_id: 7, document_name: 'alpha.md', text_preview: 'second passage' },
];
const projection = (dimensions: 2 | 3) =>
  ({ method: 'umap', dimensions, points, total_points: 2, explained_variance: null }) as unknown as DimensionalityReductionResponse;

/** Opens a <details> the way a click on its summary does (jsdom fires the toggle event). */
async function openDetails(summary: string) {
  const details = screen.getByText(summary).closest('details')!;
  details.open = true;
  fireEvent(details, new Event('toggle'));
  return details;
}

describe('analytics chart components (jsdom: no canvas, no WebGL)', () => {
  it('labels the 3D map, lists the documents in a legend, and says so when WebGL is missing', () => {
    // jsdom has no WebGL: the map must say why it cannot draw, not fail.
    const getContext = vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    try {
      render(<EmbeddingMap result={projection(3)} onOpen={() => {}} />);
      expect(screen.getByRole('img').getAttribute('aria-label')).toBe(
        '3D map of 2 passages, coloured by document; drag or use the arrow keys to rotate, scroll to zoom',
      );
      expect(screen.getByRole('note').textContent).toMatch(/cannot draw WebGL/);
      expect(
        within(screen.getByRole('list', { name: 'Documents' }))
          .getAllByRole('listitem')
          .map((item) => item.textContent),
      ).toEqual([' alpha.md', ' zeta.txt']);
      expect(screen.getByRole('button', { name: 'Reset view' })).toBeTruthy();
    } finally {
      getContext.mockRestore();
    }
  });

  it('opens the points as a table only on request, and a chunk there opens its passage', async () => {
    const onOpen = vi.fn();
    render(<EmbeddingMap result={projection(2)} onOpen={onOpen} />);
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reset view' })).toBeNull();
    await openDetails('The points as a table');
    const rows = screen.getAllByRole('row').slice(1);
    expect(
      rows.map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      ['zeta.txt', '0', '0.500', '1.000', 'first passage'],
      ['alpha.md', '3', '-1.000', '0.250', 'second passage'],
    ]);
    fireEvent.click(within(rows[1]!).getByRole('button', { name: '3' }));
    expect(onOpen).toHaveBeenCalledWith(points[1]);
  });

  it('gives the heatmap a label, a readout, and the matrix as a table', async () => {
    const result = {
      scope: 'chunk',
      items: [
        { id: 'c1', label: 'a.txt #0', text: 'one' },
        { id: 'c2', label: 'b.txt #1', text: 'two' },
      ],
      matrix: [
        [1, 0.3],
        [0.3, 1],
      ],
    } as SimilarityMatrixResponse;
    render(<SimilarityHeatmap result={result} onSelect={() => {}} />);
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Similarity of 2 passages');
    expect(screen.getByRole('status').textContent).toMatch(/^Hover a cell/);
    await openDetails('The matrix as a table');
    expect(screen.getAllByRole('row').map((row) => row.textContent)).toEqual([
      'a.txt #0b.txt #1',
      'a.txt #01.0000.300',
      'b.txt #10.3001.000',
    ]);
  });

  it('keeps the score bins as a table beside the histogram', () => {
    render(<ScoreHistogram scores={[0.95, 0.91, 0.42]} />);
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Score distribution of 3 results');
    const rows = screen.getAllByRole('row').map((row) => row.textContent);
    expect(rows).toHaveLength(10);
    expect(rows[4]).toBe('40–50%1');
    expect(rows[9]).toBe('90–100%2');
  });
});
