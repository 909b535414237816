import { useEffect, useState } from 'react';

/** The theme's colours a chart draws with (canvas cannot read CSS variables, so they are resolved here). */
export interface ChartPalette {
  text: string;
  muted: string;
  border: string;
  surface: string;
  surface2: string;
  accent: string;
  /** The low end of the similarity scale. */
  low: string;
}

const VARIABLES: Record<keyof ChartPalette, string> = {
  text: '--text',
  muted: '--text-muted',
  border: '--border',
  surface: '--surface',
  surface2: '--surface-2',
  accent: '--accent',
  low: '--danger',
};

/**
 * The current theme's colours. The variables are `light-dark()` pairs, which a custom property's
 * computed value leaves unresolved, so each is resolved through a probe element's `color`.
 */
export function readChartPalette(): ChartPalette {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.append(probe);
  try {
    const entries = Object.entries(VARIABLES).map(([key, variable]) => {
      probe.style.color = `var(${variable})`;
      return [key, getComputedStyle(probe).color];
    });
    return Object.fromEntries(entries) as unknown as ChartPalette;
  } finally {
    probe.remove();
  }
}

/** The palette, read again when the theme changes (the user's choice on `<html data-theme>`, or the system's). */
export function useChartPalette(): ChartPalette {
  const [palette, setPalette] = useState(readChartPalette);
  useEffect(() => {
    const update = () =>
      setPalette((current) => {
        const next = readChartPalette();
        return JSON.stringify(next) === JSON.stringify(current) ? current : next;
      });
    const observer = new MutationObserver(update);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const query = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    query?.addEventListener('change', update);
    return () => {
      observer.disconnect();
      query?.removeEventListener('change', update);
    };
  }, []);
  return palette;
}
