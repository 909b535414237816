import { useMemo, useState } from 'react';
import type { SimilarityMatrixResponse } from '../../api/analytics.ts';
import { Chart } from './chart.tsx';
import { heatmapOption } from './chart-options.ts';
import { useChartPalette } from './chart-palette.ts';

/**
 * The similarity matrix as an ECharts heatmap; hover names the pair and the value (also in a
 * live readout), a click shows both items. The matrix is also a table, for readers who cannot use the canvas.
 */
export function SimilarityHeatmap({
  result,
  onSelect,
}: {
  result: SimilarityMatrixResponse;
  onSelect: (row: number, column: number) => void;
}) {
  const palette = useChartPalette();
  const [hovered, setHovered] = useState<{ row: number; column: number } | null>(null);
  const [showTable, setShowTable] = useState(false);
  const { option, cellAt } = useMemo(() => heatmapOption(result, palette), [result, palette]);
  const count = result.items.length;
  // Square cells: the grid's height follows its width (about 520 px wide once the axis labels are off).
  const height = Math.max(260, Math.min(620, count * 26)) + 104;
  return (
    <div className="heatmap">
      <Chart
        option={option}
        height={height}
        testId="heatmap"
        label={`Similarity of ${count} ${result.scope === 'document' ? 'documents' : 'passages'}`}
        onHover={(params) => setHovered(cellAt(params))}
        onLeave={() => setHovered(null)}
        onClick={(params) => {
          const cell = cellAt(params);
          if (cell) onSelect(cell.row, cell.column);
        }}
      />
      <p className="small heatmap-readout" role="status">
        {hovered
          ? `${result.items[hovered.row]!.label} × ${result.items[hovered.column]!.label}: ${result.matrix[hovered.row]![hovered.column]!.toFixed(3)}`
          : 'Hover a cell for the pair and its cosine similarity; click it to compare.'}
      </p>
      <details className="chart-table" onToggle={(event) => setShowTable(event.currentTarget.open)}>
        <summary>The matrix as a table</summary>
        {showTable ? (
          <div className="table-scroll">
            <table className="chunk-table matrix-table">
              <thead>
                <tr>
                  <td />
                  {result.items.map((item) => (
                    <th key={item.id} scope="col">
                      {item.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.items.map((item, row) => (
                  <tr key={item.id}>
                    <th scope="row">{item.label}</th>
                    {result.matrix[row]!.map((value, column) => (
                      <td key={result.items[column]!.id}>{value.toFixed(3)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </details>
    </div>
  );
}
