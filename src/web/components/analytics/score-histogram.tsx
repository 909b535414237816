import { useMemo } from 'react';
import { Chart } from './chart.tsx';
import { binLabel, histogramOption, scoreBins } from './chart-options.ts';
import { useChartPalette } from './chart-palette.ts';

/** How the results' scores spread over 0–100 %, in ten bins: a tight cluster near the top means a clear answer. */
export function ScoreHistogram({ scores }: { scores: number[] }) {
  const palette = useChartPalette();
  const bins = useMemo(() => scoreBins(scores), [scores]);
  const option = useMemo(() => histogramOption(bins, palette), [bins, palette]);
  return (
    <figure className="score-distribution">
      <Chart option={option} height={120} testId="score-histogram" label={`Score distribution of ${scores.length} results`} />
      <figcaption className="muted small">Scores of the results, in bins of 10 %</figcaption>
      <table className="visually-hidden">
        <caption>Score distribution</caption>
        <tbody>
          {bins.map((bin) => (
            <tr key={bin.from}>
              <th scope="row">{binLabel(bin)}</th>
              <td>{bin.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
