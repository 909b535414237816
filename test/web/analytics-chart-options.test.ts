// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { DimensionalityReductionResponse, SimilarityMatrixResponse } from '../../src/web/api/analytics.ts';
import {
  groupByDocument,
  heatmapOption,
  heatmapRange,
  histogramOption,
  INITIAL_VIEW,
  type ItemParams,
  type MapPoint,
  mapOption,
  scoreBins,
} from '../../src/web/components/analytics/chart-options.ts';
import type { ChartPalette } from '../../src/web/components/analytics/chart-palette.ts';
import { DOCUMENT_PALETTE } from '../../src/web/components/analytics/document-colors.ts';

const palette: ChartPalette = {
  text: 'rgb(1, 1, 1)',
  muted: 'rgb(2, 2, 2)',
  border: 'rgb(3, 3, 3)',
  surface: 'rgb(4, 4, 4)',
  surface2: 'rgb(5, 5, 5)',
  accent: 'rgb(6, 6, 6)',
  low: 'rgb(7, 7, 7)',
};

const point = (chunk: number, documentId: number, name: string, z: number | null = null): MapPoint => ({
  x: chunk,
  y: -chunk,
  z,
  chunk_id: `c${chunk}`,
  chunk_index: chunk,
  document_id: documentId,
  document_name: name,
  text_preview: `passage ${chunk}`,
});

const projection = (points: MapPoint[], dimensions: 2 | 3) =>
  ({
    method: 'pca',
    dimensions,
    points,
    total_points: points.length,
    explained_variance: null,
  }) as unknown as DimensionalityReductionResponse;

/** Calls an option's tooltip formatter the way ECharts does, and returns the element it built. */
const tooltipOf = (option: Record<string, unknown>, params: ItemParams) =>
  (option.tooltip as { formatter: (params: ItemParams) => HTMLElement | string }).formatter(params);

describe('embedding map option', () => {
  // Document 9 ("alpha") comes after document 2 ("zeta") by id but before it by name.
  const points = [point(0, 2, 'zeta.txt'), point(1, 9, 'alpha.md'), point(2, 2, 'zeta.txt'), point(3, 5, 'mid.pdf')];

  it('groups points into one series per document, in name order, each with the colour of its id', () => {
    const groups = groupByDocument(points);
    expect(groups.map((group) => [group.name, group.points.map((entry) => entry.chunk_index)])).toEqual([
      ['alpha.md', [1]],
      ['mid.pdf', [3]],
      ['zeta.txt', [0, 2]],
    ]);
    // Colours follow ascending ids (2, 5, 9), so a document keeps its colour whatever its name.
    expect(groups.map((group) => group.color)).toEqual([DOCUMENT_PALETTE[2], DOCUMENT_PALETTE[1], DOCUMENT_PALETTE[0]]);
  });

  it('draws a 2D map as scatter series of [x, y], and maps an event back to its passage', () => {
    const { option, pointAt, legend } = mapOption(projection(points, 2), palette);
    const series = option.series as Array<{ type: string; name: string; data: number[][]; itemStyle: { color: string } }>;
    expect(series.map((entry) => [entry.type, entry.name, entry.data])).toEqual([
      ['scatter', 'alpha.md', [[1, -1]]],
      ['scatter', 'mid.pdf', [[3, -3]]],
      [
        'scatter',
        'zeta.txt',
        [
          [0, -0],
          [2, -2],
        ],
      ],
    ]);
    expect(legend.map((entry) => [entry.name, entry.color])).toEqual(series.map((entry) => [entry.name, entry.itemStyle.color]));
    expect(pointAt({ seriesIndex: 2, dataIndex: 1 })?.chunk_id).toBe('c2');
    expect(pointAt({ seriesIndex: 7, dataIndex: 0 })).toBeNull();
    expect(pointAt({})).toBeNull();
    expect(option.grid3D).toBeUndefined();
    expect((option.xAxis as { axisLabel: { color: string } }).axisLabel.color).toBe(palette.muted);
  });

  it('draws a 3D map as scatter3D series of [x, y, z] from the initial camera', () => {
    const { option } = mapOption(projection([point(0, 1, 'a', 0.5), point(1, 1, 'a', null)], 3), palette);
    const series = option.series as Array<{ type: string; data: number[][] }>;
    expect(series).toHaveLength(1);
    expect(series[0]!.type).toBe('scatter3D');
    expect(series[0]!.data).toEqual([
      [0, -0, 0.5],
      [1, -1, 0],
    ]);
    expect((option.grid3D as { viewControl: Record<string, unknown> }).viewControl).toMatchObject(INITIAL_VIEW);
    expect(option.xAxis).toBeUndefined();
  });

  it('puts the document, chunk and preview in the tooltip as text, never as HTML', () => {
    const hostile = point(4, 3, '<img src=x onerror="alert(1)">.txt');
    const { option } = mapOption(projection([hostile], 2), palette);
    const content = tooltipOf(option, { seriesIndex: 0, dataIndex: 0 }) as HTMLElement;
    expect(content.textContent).toBe('<img src=x onerror="alert(1)">.txtChunk 4passage 4');
    expect(content.querySelector('img')).toBeNull();
    expect(tooltipOf(option, { seriesIndex: 0, dataIndex: 5 })).toBe('');
  });
});

describe('similarity heatmap option', () => {
  const result: SimilarityMatrixResponse = {
    scope: 'document',
    items: [
      { id: '1', label: 'bees.txt', text: null },
      { id: '2', label: 'cheese.md', text: null },
      { id: '3', label: 'trains.txt', text: null },
    ],
    matrix: [
      [1, 0.42, 0.13],
      [0.42, 1, -0.05],
      [0.13, -0.05, 1],
    ],
  } as SimilarityMatrixResponse;

  it('has one [column, row, value] cell per matrix entry, rows from the top, labelled by item', () => {
    const { option, cellAt } = heatmapOption(result, palette);
    const data = (option.series as Array<{ type: string; data: number[][] }>)[0]!;
    expect(data.type).toBe('heatmap');
    expect(data.data).toHaveLength(9);
    for (const [column, row, value] of data.data) expect(value).toBe(result.matrix[row!]![column!]);
    expect((option.xAxis as { data: string[] }).data).toEqual(['bees.txt', 'cheese.md', 'trains.txt']);
    expect((option.yAxis as { inverse: boolean }).inverse).toBe(true);
    expect(cellAt({ data: [2, 0, 0.13] })).toEqual({ row: 0, column: 2 });
    expect(cellAt({ data: 'nonsense' })).toBeNull();
  });

  it('names the pair and the cosine in the tooltip', () => {
    const { option } = heatmapOption(result, palette);
    expect((tooltipOf(option, { data: [1, 2, -0.05] }) as HTMLElement).textContent).toBe('trains.txt × cheese.mdCosine similarity -0.050');
  });

  it('starts the colour scale at the lowest value, rounded down to a tenth, from the low colour to the accent', () => {
    const { option } = heatmapOption(result, palette);
    expect(option.visualMap).toMatchObject({
      min: -0.1,
      max: 1,
      text: ['1.0', '-0.1'],
      inRange: { color: [palette.low, palette.surface2, palette.accent] },
    });
    expect(heatmapRange([[1, 0.97]])).toEqual({ min: 0.9, max: 1 });
    expect(heatmapRange([[1, 1]])).toEqual({ min: 0.9, max: 1 });
    expect(heatmapRange([[-1, 1]])).toEqual({ min: -1, max: 1 });
    expect(heatmapRange([[0.35]])).toEqual({ min: 0.3, max: 1 });
  });
});

describe('score histogram', () => {
  it('counts scores into ten bins of 10 %, a perfect score in the last and out-of-range ones clamped', () => {
    const bins = scoreBins([0, 0.05, 0.15, 0.999, 1, 1.2, -0.3]);
    expect(bins.map((bin) => bin.from)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(bins.map((bin) => bin.count)).toEqual([3, 1, 0, 0, 0, 0, 0, 0, 0, 3]);
  });

  it('draws the counts as bars in the accent colour, with a tooltip per bin', () => {
    const bins = scoreBins([0.91, 0.95, 0.42]);
    const option = histogramOption(bins, palette);
    const series = (option.series as Array<{ type: string; data: number[]; itemStyle: { color: string } }>)[0]!;
    expect(series.type).toBe('bar');
    expect(series.data).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 2]);
    expect(series.itemStyle.color).toBe(palette.accent);
    expect((tooltipOf(option, { dataIndex: 9 }) as HTMLElement).textContent).toBe('90–100%2 results');
    expect((tooltipOf(option, { dataIndex: 4 }) as HTMLElement).textContent).toBe('40–50%1 result');
  });
});
