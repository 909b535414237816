// Pure builders from API data to ECharts options (no chart library imported here: only its option
// shapes, so the page that uses them stays free of the library until a chart draws).
import type { DimensionalityReductionResponse, SimilarityMatrixResponse } from '../../api/analytics.ts';
import type { ChartPalette } from './chart-palette.ts';
import { documentColors } from './document-colors.ts';

export type MapPoint = DimensionalityReductionResponse['points'][number];

/** An ECharts option object; loose because echarts-gl's 3D series have no types. */
export type ChartOption = Record<string, unknown>;

/** What ECharts passes to tooltip formatters and event handlers for one data item. */
export interface ItemParams {
  seriesIndex?: number;
  dataIndex?: number;
  data?: unknown;
}

/** The 3D map's starting camera; "Reset view" goes back to it. */
export const INITIAL_VIEW = { alpha: 20, beta: 35, distance: 220 } as const;

/** A tooltip's content as DOM (textContent, never HTML: names and passages are user content). */
function tooltipBox(lines: Array<{ text: string; className?: string }>): HTMLElement {
  const box = document.createElement('div');
  box.className = 'chart-tooltip-body';
  for (const line of lines) {
    const element = document.createElement(line === lines[0] ? 'strong' : 'span');
    element.textContent = line.text;
    if (line.className) element.className = line.className;
    box.append(element);
  }
  return box;
}

function tooltipStyle(palette: ChartPalette) {
  return {
    className: 'chart-tooltip',
    backgroundColor: palette.surface,
    borderColor: palette.border,
    textStyle: { color: palette.text, fontSize: 12 },
    extraCssText: 'max-width: 320px; white-space: normal;',
    confine: true,
  };
}

/** One series per document, in legend order (by name), each with its stable colour (by id). */
export function groupByDocument(points: MapPoint[]) {
  const colors = documentColors([...new Set(points.map((point) => point.document_id))].sort((left, right) => left - right));
  const groups = new Map<number, { documentId: number; name: string; color: string; points: MapPoint[] }>();
  for (const point of points) {
    let group = groups.get(point.document_id);
    if (!group) {
      group = { documentId: point.document_id, name: point.document_name, color: colors.get(point.document_id)!, points: [] };
      groups.set(point.document_id, group);
    }
    group.points.push(point);
  }
  return [...groups.values()].sort((left, right) => left.name.localeCompare(right.name) || left.documentId - right.documentId);
}

/**
 * The embedding map: a scatter (2D) or scatter3D (3D) series per document. `pointAt` maps an event's
 * series and data index back to the passage it shows.
 */
export function mapOption(result: DimensionalityReductionResponse, palette: ChartPalette) {
  const groups = groupByDocument(result.points);
  const pointAt = (params: ItemParams): MapPoint | null =>
    params.seriesIndex === undefined || params.dataIndex === undefined
      ? null
      : (groups[params.seriesIndex]?.points[params.dataIndex] ?? null);
  const is3d = result.dimensions === 3;
  const tooltip = {
    ...tooltipStyle(palette),
    trigger: 'item',
    formatter: (params: ItemParams) => {
      const point = pointAt(params);
      return point
        ? tooltipBox([
            { text: point.document_name },
            { text: `Chunk ${point.chunk_index}`, className: 'muted' },
            { text: point.text_preview, className: 'chart-tooltip-preview' },
          ])
        : '';
    },
  };
  const axis = {
    type: 'value',
    scale: true,
    axisLine: { lineStyle: { color: palette.border } },
    axisLabel: { color: palette.muted },
    splitLine: { lineStyle: { color: palette.border } },
  };
  const option: ChartOption = is3d
    ? {
        backgroundColor: 'transparent',
        animation: false,
        tooltip,
        grid3D: {
          boxWidth: 100,
          boxHeight: 100,
          boxDepth: 100,
          axisLine: { lineStyle: { color: palette.border } },
          axisPointer: { lineStyle: { color: palette.muted } },
          axisLabel: { textStyle: { color: palette.muted } },
          splitLine: { lineStyle: { color: palette.border } },
          viewControl: { ...INITIAL_VIEW, projection: 'perspective', autoRotate: false },
        },
        xAxis3D: { type: 'value', scale: true, name: 'x', nameTextStyle: { color: palette.muted } },
        yAxis3D: { type: 'value', scale: true, name: 'y', nameTextStyle: { color: palette.muted } },
        zAxis3D: { type: 'value', scale: true, name: 'z', nameTextStyle: { color: palette.muted } },
        series: groups.map((group) => ({
          type: 'scatter3D',
          name: group.name,
          data: group.points.map((point) => [point.x, point.y, point.z ?? 0]),
          symbolSize: 9,
          itemStyle: { color: group.color, opacity: 0.95 },
          emphasis: { itemStyle: { color: palette.text } },
        })),
      }
    : {
        backgroundColor: 'transparent',
        animationDurationUpdate: 0,
        tooltip,
        grid: { left: 44, right: 16, top: 16, bottom: 32 },
        xAxis: axis,
        yAxis: axis,
        series: groups.map((group) => ({
          type: 'scatter',
          name: group.name,
          data: group.points.map((point) => [point.x, point.y]),
          symbolSize: 9,
          itemStyle: { color: group.color, opacity: 0.9, borderColor: palette.surface, borderWidth: 1 },
          emphasis: { scale: 1.6, itemStyle: { borderColor: palette.text, borderWidth: 2 } },
        })),
      };
  return { option, pointAt, legend: groups.map(({ documentId, name, color }) => ({ documentId, name, color })) };
}

/** The heatmap's colour scale starts at the lowest value (rounded down to a tenth), so close cosines still differ in colour. */
export function heatmapRange(matrix: number[][]): { min: number; max: number } {
  let low = 1;
  for (const row of matrix) for (const value of row) low = Math.min(low, value);
  return { min: Math.max(-1, Math.min(0.9, Math.floor(low * 10) / 10)), max: 1 };
}

/** The similarity matrix as a heatmap: cell [column, row, value], row 0 at the top. */
export function heatmapOption(result: SimilarityMatrixResponse, palette: ChartPalette) {
  const labels = result.items.map((item) => item.label);
  const data: Array<[number, number, number]> = [];
  result.matrix.forEach((values, row) => {
    values.forEach((value, column) => {
      data.push([column, row, value]);
    });
  });
  const cellAt = (params: ItemParams): { row: number; column: number } | null => {
    const cell = Array.isArray(params.data) ? params.data : null;
    return cell && typeof cell[0] === 'number' && typeof cell[1] === 'number' ? { row: cell[1], column: cell[0] } : null;
  };
  const everyLabel = labels.length <= 30;
  const axisLabel = { color: palette.muted, width: 110, overflow: 'truncate', interval: everyLabel ? 0 : 'auto', fontSize: 11 };
  const categoryAxis = {
    type: 'category',
    data: labels,
    splitArea: { show: false },
    axisLine: { lineStyle: { color: palette.border } },
    axisTick: { show: false },
  };
  const range = heatmapRange(result.matrix);
  const option: ChartOption = {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: {
      ...tooltipStyle(palette),
      trigger: 'item',
      formatter: (params: ItemParams) => {
        const cell = cellAt(params);
        if (!cell) return '';
        return tooltipBox([
          { text: `${labels[cell.row]} × ${labels[cell.column]}` },
          { text: `Cosine similarity ${result.matrix[cell.row]![cell.column]!.toFixed(3)}` },
        ]);
      },
    },
    grid: { left: 120, right: 16, top: 8, bottom: 96 },
    xAxis: { ...categoryAxis, axisLabel: { ...axisLabel, rotate: 40 } },
    yAxis: { ...categoryAxis, inverse: true, axisLabel },
    visualMap: {
      ...range,
      // The scale's ends, written out (high first, as ECharts wants it).
      text: [range.max.toFixed(1), range.min.toFixed(1)],
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 160,
      precision: 1,
      textStyle: { color: palette.muted },
      inRange: { color: [palette.low, palette.surface2, palette.accent] },
    },
    series: [
      {
        type: 'heatmap',
        data,
        itemStyle: { borderColor: palette.surface, borderWidth: labels.length > 50 ? 0 : 1 },
        emphasis: { itemStyle: { borderColor: palette.text, borderWidth: 2 } },
      },
    ],
  };
  return { option, cellAt };
}

export interface ScoreBin {
  from: number;
  count: number;
}

/** Ten bins over 0–100 % (a score of exactly 1 falls in the last). */
export function scoreBins(scores: number[]): ScoreBin[] {
  const bins = Array.from({ length: 10 }, (_, bin) => ({ from: bin * 10, count: 0 }));
  for (const score of scores) bins[Math.min(9, Math.max(0, Math.floor(score * 10)))]!.count += 1;
  return bins;
}

export const binLabel = (bin: ScoreBin) => `${bin.from}–${bin.from + 10}%`;

/** The retrieval tester's score distribution as bars. */
export function histogramOption(bins: ScoreBin[], palette: ChartPalette): ChartOption {
  return {
    backgroundColor: 'transparent',
    animationDurationUpdate: 0,
    tooltip: {
      ...tooltipStyle(palette),
      trigger: 'item',
      formatter: (params: ItemParams) => {
        const bin = params.dataIndex === undefined ? undefined : bins[params.dataIndex];
        return bin ? tooltipBox([{ text: binLabel(bin) }, { text: `${bin.count} result${bin.count === 1 ? '' : 's'}` }]) : '';
      },
    },
    grid: { left: 28, right: 8, top: 8, bottom: 24 },
    xAxis: {
      type: 'category',
      data: bins.map((bin) => `${bin.from}`),
      axisLine: { lineStyle: { color: palette.border } },
      axisTick: { show: false },
      axisLabel: { color: palette.muted, fontSize: 10, formatter: (value: string) => `${value}%` },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: palette.muted, fontSize: 10 },
      splitLine: { lineStyle: { color: palette.border } },
    },
    series: [
      {
        type: 'bar',
        data: bins.map((bin) => bin.count),
        barCategoryGap: '12%',
        itemStyle: { color: palette.accent, borderRadius: [3, 3, 0, 0] },
      },
    ],
  };
}
