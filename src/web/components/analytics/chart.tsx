import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { ChartOption, ItemParams } from './chart-options.ts';

type Instance = ReturnType<typeof import('./echarts.ts')['echarts']['init']>;

/** Degrees a 3D camera turns per arrow key. */
const ARROW_TURNS: Record<string, { alpha: number; beta: number }> = {
  ArrowLeft: { alpha: 0, beta: -10 },
  ArrowRight: { alpha: 0, beta: 10 },
  ArrowUp: { alpha: 10, beta: 0 },
  ArrowDown: { alpha: -10, beta: 0 },
};

let webGl: boolean | undefined;

/**
 * Whether this browser can draw WebGL (echarts-gl needs it; without it the 3D map says so instead
 * of failing). Asked once: browsers allow few WebGL contexts at a time.
 */
function hasWebGl(): boolean {
  if (webGl === undefined) {
    try {
      const canvas = document.createElement('canvas');
      webGl = Boolean(canvas.getContext('webgl') ?? canvas.getContext('experimental-webgl'));
    } catch {
      webGl = false;
    }
  }
  return webGl;
}

/**
 * One ECharts chart. The library is imported here on first draw (`import()`), so it is a chunk of
 * its own that only the Analytics page fetches; `gl` adds the 3D extension (another chunk). The
 * chart follows its box's size; a new `option` (or `resetKey`) replaces the whole option, which
 * also puts a 3D camera back where the option says.
 */
export function Chart({
  option,
  label,
  gl = false,
  height,
  resetKey = 0,
  testId,
  onClick,
  onHover,
  onLeave,
}: {
  option: ChartOption;
  /** What the chart shows, for screen readers (the canvas itself says nothing). */
  label: string;
  gl?: boolean;
  height: number;
  resetKey?: number;
  testId?: string;
  onClick?: (params: ItemParams) => void;
  onHover?: (params: ItemParams) => void;
  onLeave?: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<Instance | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'no-webgl' | 'failed'>('loading');
  // Handlers read through a ref, so a new closure each render does not rebind the chart's events.
  const handlers = useRef({ onClick, onHover, onLeave });
  handlers.current = { onClick, onHover, onLeave };

  useEffect(() => {
    if (gl && !hasWebGl()) {
      setState('no-webgl');
      return;
    }
    let disposed = false;
    let observer: ResizeObserver | null = null;
    setState('loading');
    (gl ? import('./echarts-gl.ts') : import('./echarts.ts'))
      .then(({ echarts }) => {
        if (disposed || !box.current) return;
        const instance = echarts.init(box.current, null, { renderer: 'canvas' });
        instance.on('click', (params) => handlers.current.onClick?.(params as ItemParams));
        instance.on('mouseover', (params) => handlers.current.onHover?.(params as ItemParams));
        instance.on('globalout', () => handlers.current.onLeave?.());
        observer = new ResizeObserver(() => instance.resize());
        observer.observe(box.current);
        chart.current = instance;
        setState('ready');
      })
      .catch(() => {
        if (!disposed) setState('failed');
      });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [gl]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new resetKey re-applies the same option on purpose (Reset view).
  useEffect(() => {
    if (state !== 'ready' || !chart.current) return;
    // Cleared first: echarts-gl keeps a turned camera across a plain replace, and a reset must not.
    chart.current.clear();
    chart.current.setOption(option, { notMerge: true });
  }, [option, state, resetKey]);

  /** Arrow keys turn a 3D chart's camera, for readers without a mouse (the model keeps the dragged camera, so turns add up). */
  const turn = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = ARROW_TURNS[event.key];
    if (!gl || !step || !chart.current) return;
    event.preventDefault();
    const view = (chart.current.getOption() as { grid3D?: Array<{ viewControl?: { alpha?: number; beta?: number } }> }).grid3D?.[0]
      ?.viewControl;
    const alpha = Math.max(-90, Math.min(90, (view?.alpha ?? 0) + step.alpha));
    chart.current.setOption({ grid3D: { viewControl: { alpha, beta: (view?.beta ?? 0) + step.beta } } });
  };

  return (
    <div className="chart-frame" style={{ height }}>
      <div
        ref={box}
        className="chart-box"
        role="img"
        aria-label={label}
        data-testid={testId}
        data-state={state}
        tabIndex={gl ? 0 : undefined}
        onKeyDown={gl ? turn : undefined}
      />
      {state === 'loading' ? <p className="chart-status muted small">Loading the chart…</p> : null}
      {state === 'no-webgl' ? (
        <p className="chart-status notice" role="note">
          This browser cannot draw WebGL, which the 3D map needs: choose 2D.
        </p>
      ) : null}
      {state === 'failed' ? (
        <p className="chart-status notice" role="alert">
          The chart library could not be loaded. Reload the page to try again.
        </p>
      ) : null}
    </div>
  );
}
