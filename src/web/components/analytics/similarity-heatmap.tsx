import { useState } from 'react';
import type { SimilarityMatrixResponse } from '../../api/analytics.ts';

/** Cosine −1…1 to a diverging scale: low is warm, high is the accent blue (readable in both themes). */
function cellColor(value: number): string {
  const t = Math.max(0, Math.min(1, (value + 1) / 2));
  const hue = 10 + t * 200;
  return `hsl(${hue} 65% ${38 + t * 14}%)`;
}

/** The similarity matrix as an SVG grid; hover names the pair and the value, a click shows both items. */
export function SimilarityHeatmap({
  result,
  onSelect,
}: {
  result: SimilarityMatrixResponse;
  onSelect: (row: number, column: number) => void;
}) {
  const [hovered, setHovered] = useState<{ row: number; column: number } | null>(null);
  const count = result.items.length;
  const cell = Math.max(6, Math.min(28, Math.floor(520 / count)));
  const size = cell * count;
  return (
    <div className="heatmap">
      <svg
        viewBox={`0 0 ${size} ${size}`}
        width={size}
        height={size}
        role="img"
        aria-label={`Similarity of ${count} ${result.scope === 'document' ? 'documents' : 'passages'}`}
        data-testid="heatmap"
      >
        {result.matrix.map((values, row) =>
          values.map((value, column) => (
            <rect
              key={`${row}-${column}`}
              x={column * cell}
              y={row * cell}
              width={cell}
              height={cell}
              fill={cellColor(value)}
              className="heatmap-cell"
              onPointerEnter={() => setHovered({ row, column })}
              onClick={() => onSelect(row, column)}
            >
              <title>{`${result.items[row]!.label} × ${result.items[column]!.label}: ${value.toFixed(3)}`}</title>
            </rect>
          )),
        )}
      </svg>
      <p className="small heatmap-readout" role="status">
        {hovered
          ? `${result.items[hovered.row]!.label} × ${result.items[hovered.column]!.label}: ${result.matrix[hovered.row]![hovered.column]!.toFixed(3)}`
          : 'Hover a cell for the pair and its cosine similarity; click it to compare.'}
      </p>
    </div>
  );
}
