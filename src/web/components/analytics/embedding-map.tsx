import { useMemo, useRef, useState, type PointerEvent } from 'react';
import type { DimensionalityReductionResponse } from '../../api/analytics.ts';
import { documentColors } from './document-colors.ts';

type Point = DimensionalityReductionResponse['points'][number];

const SIZE = 560;
const PAD = 28;

/** Rotation of a 3D map by yaw (around y) then pitch (around x), then an orthographic view. */
function rotate(point: Point, yaw: number, pitch: number) {
  const z = point.z ?? 0;
  const x1 = point.x * Math.cos(yaw) + z * Math.sin(yaw);
  const z1 = -point.x * Math.sin(yaw) + z * Math.cos(yaw);
  const y1 = point.y * Math.cos(pitch) - z1 * Math.sin(pitch);
  const z2 = point.y * Math.sin(pitch) + z1 * Math.cos(pitch);
  return { x: x1, y: y1, depth: z2 };
}

/**
 * The embedding map as SVG: one colour per document with a legend, a tooltip on hover or focus, a
 * click opens the passage. 3D maps rotate by dragging (or the arrow keys) and reset.
 */
export function EmbeddingMap({ result, onOpen }: { result: DimensionalityReductionResponse; onOpen: (point: Point) => void }) {
  const [angles, setAngles] = useState({ yaw: 0.6, pitch: -0.4 });
  const [hovered, setHovered] = useState<Point | null>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  /** Set by a drag that just ended, so its closing click does not open a point. */
  const dragged = useRef(false);
  const is3d = result.dimensions === 3;
  // Colours follow document ids, so a document keeps its colour between maps.
  const colors = useMemo(
    () => documentColors([...new Set(result.points.map((point) => point.document_id))].sort((left, right) => left - right)),
    [result],
  );

  const placed = useMemo(() => {
    const views = result.points.map((point) => ({
      point,
      ...(is3d ? rotate(point, angles.yaw, angles.pitch) : { x: point.x, y: point.y, depth: 0 }),
    }));
    const xs = views.map((view) => view.x);
    const ys = views.map((view) => view.y);
    const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) || 1;
    const [cx, cy] = [(Math.max(...xs) + Math.min(...xs)) / 2, (Math.max(...ys) + Math.min(...ys)) / 2];
    const scale = (SIZE - 2 * PAD) / span;
    return views
      .map((view) => ({ ...view, sx: SIZE / 2 + (view.x - cx) * scale, sy: SIZE / 2 - (view.y - cy) * scale }))
      .sort((left, right) => left.depth - right.depth);
  }, [result, angles, is3d]);

  const legend = [...new Map(result.points.map((point) => [point.document_id, point.document_name])).entries()].sort((left, right) =>
    left[1].localeCompare(right[1]),
  );
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    if (!is3d || !drag.current) return;
    const [dx, dy] = [event.clientX - drag.current.x, event.clientY - drag.current.y];
    // The pointer is captured only once it really drags: capturing at pointerdown would send the
    // click to the map instead of the point under it, and a point could never be opened in 3D.
    if (!drag.current.moved) {
      if (Math.hypot(dx, dy) < 4) return;
      event.currentTarget.setPointerCapture(event.pointerId);
    }
    drag.current = { x: event.clientX, y: event.clientY, moved: true };
    setAngles((current) => ({ yaw: current.yaw + dx * 0.01, pitch: Math.max(-1.5, Math.min(1.5, current.pitch + dy * 0.01)) }));
  };

  return (
    <div className="embedding-map">
      <div className="map-canvas">
        <svg
          viewBox={`0 0 ${SIZE} ${SIZE}`}
          role="img"
          aria-label={`${is3d ? '3D' : '2D'} map of ${result.total_points} passages, coloured by document${is3d ? '; drag or use the arrow keys to rotate' : ''}`}
          tabIndex={is3d ? 0 : undefined}
          data-testid="embedding-map"
          onPointerDown={(event) => {
            if (!is3d) return;
            drag.current = { x: event.clientX, y: event.clientY, moved: false };
          }}
          onPointerMove={onPointerMove}
          onPointerUp={() => {
            dragged.current = drag.current?.moved ?? false;
            drag.current = null;
          }}
          onKeyDown={(event) => {
            if (!is3d) return;
            const step = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, -0.1], ArrowDown: [0, 0.1] }[event.key];
            if (!step) return;
            event.preventDefault();
            setAngles((current) => ({ yaw: current.yaw + step[0]!, pitch: current.pitch + step[1]! }));
          }}
        >
          <rect x="0" y="0" width={SIZE} height={SIZE} className="map-background" />
          {placed.map(({ point, sx, sy, depth }) => (
            <circle
              key={point.chunk_id}
              cx={sx}
              cy={sy}
              r={is3d ? 4 + depth * 0 : 4.5}
              fill={colors.get(point.document_id)}
              className={hovered?.chunk_id === point.chunk_id ? 'map-point hovered' : 'map-point'}
              data-chunk-id={point.chunk_id}
              onPointerEnter={() => setHovered(point)}
              onPointerLeave={() => setHovered((current) => (current === point ? null : current))}
              onClick={() => {
                if (!dragged.current) onOpen(point);
                dragged.current = false;
              }}
            >
              <title>{`${point.document_name} · chunk ${point.chunk_index}`}</title>
            </circle>
          ))}
        </svg>
        {hovered ? (
          <div className="map-tooltip" role="status" data-testid="map-tooltip">
            <strong>{hovered.document_name}</strong>
            <span className="muted small">Chunk {hovered.chunk_index}</span>
            <span className="small">{hovered.text_preview}</span>
          </div>
        ) : null}
      </div>
      <div className="map-side">
        <ul className="map-legend" aria-label="Documents">
          {legend.map(([id, name]) => (
            <li key={id}>
              <span className="swatch" style={{ background: colors.get(id) }} aria-hidden="true" /> {name}
            </li>
          ))}
        </ul>
        {is3d ? (
          <button type="button" className="button small" onClick={() => setAngles({ yaw: 0.6, pitch: -0.4 })}>
            Reset view
          </button>
        ) : null}
      </div>
    </div>
  );
}
