import { useMemo, useState } from 'react';
import type { DimensionalityReductionResponse } from '../../api/analytics.ts';
import { Chart } from './chart.tsx';
import { type MapPoint, mapOption } from './chart-options.ts';
import { useChartPalette } from './chart-palette.ts';

/**
 * The embedding map (ECharts): one colour per document with a legend, a tooltip on hover, a click
 * opens the passage. A 3D map rotates by dragging, zooms with the wheel, and resets. The points are
 * also a table, for readers who cannot use the canvas.
 */
export function EmbeddingMap({ result, onOpen }: { result: DimensionalityReductionResponse; onOpen: (point: MapPoint) => void }) {
  const palette = useChartPalette();
  const [resetKey, setResetKey] = useState(0);
  const [showTable, setShowTable] = useState(false);
  const is3d = result.dimensions === 3;
  const { option, pointAt, legend } = useMemo(() => mapOption(result, palette), [result, palette]);

  return (
    <div className="embedding-map">
      <div className="map-canvas">
        <Chart
          option={option}
          gl={is3d}
          height={520}
          resetKey={resetKey}
          testId="embedding-map"
          label={`${is3d ? '3D' : '2D'} map of ${result.total_points} passages, coloured by document${is3d ? '; drag or use the arrow keys to rotate, scroll to zoom' : ''}`}
          onClick={(params) => {
            const point = pointAt(params);
            if (point) onOpen(point);
          }}
        />
      </div>
      <div className="map-side">
        <ul className="map-legend" aria-label="Documents">
          {legend.map(({ documentId, name, color }) => (
            <li key={documentId}>
              <span className="swatch" style={{ background: color }} aria-hidden="true" /> {name}
            </li>
          ))}
        </ul>
        {is3d ? (
          <button type="button" className="button small" onClick={() => setResetKey((key) => key + 1)}>
            Reset view
          </button>
        ) : null}
      </div>
      <details className="chart-table" onToggle={(event) => setShowTable(event.currentTarget.open)}>
        <summary>The points as a table</summary>
        {showTable ? <PointTable points={result.points} is3d={is3d} onOpen={onOpen} /> : null}
      </details>
    </div>
  );
}

function PointTable({ points, is3d, onOpen }: { points: MapPoint[]; is3d: boolean; onOpen: (point: MapPoint) => void }) {
  return (
    <div className="table-scroll">
      <table className="chunk-table">
        <thead>
          <tr>
            <th scope="col">Document</th>
            <th scope="col">Chunk</th>
            <th scope="col">x</th>
            <th scope="col">y</th>
            {is3d ? <th scope="col">z</th> : null}
            <th scope="col">Text</th>
          </tr>
        </thead>
        <tbody>
          {points.map((point) => (
            <tr key={point.chunk_id}>
              <td>{point.document_name}</td>
              <td>
                <button type="button" className="link-button" onClick={() => onOpen(point)}>
                  {point.chunk_index}
                </button>
              </td>
              <td>{point.x.toFixed(3)}</td>
              <td>{point.y.toFixed(3)}</td>
              {is3d ? <td>{(point.z ?? 0).toFixed(3)}</td> : null}
              <td className="chunk-text">{point.text_preview}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
