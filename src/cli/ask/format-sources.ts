import type { Source } from '../../protocol/source.ts';

/** A source as `--json` prints it: where the passage is, and how well it matched (0–1). */
export interface JsonSource {
  filename: string;
  page: number | null;
  sheet: string | null;
  rows: string | null;
  heading: string | null;
  score: number;
}

export function toJsonSource(source: Source): JsonSource {
  const { metadata } = source;
  return {
    filename: metadata.filename,
    page: metadata.page ?? null,
    sheet: metadata.sheet ?? null,
    rows: metadata.rows ?? null,
    heading: metadata.heading ?? null,
    score: source.score,
  };
}

/** `[1] report.pdf, page 3 (score 0.82)`; sheets and rows, or the section heading, where known. */
export function formatSources(sources: Source[]): string {
  return sources
    .map((source, index) => {
      const { filename, page, sheet, rows, heading } = toJsonSource(source);
      const where = [filename];
      if (page !== null) where.push(`page ${page}`);
      if (sheet !== null) where.push(`sheet ${sheet}`);
      if (rows !== null) where.push(`rows ${rows}`);
      if (heading !== null) where.push(`section "${heading}"`);
      return `  [${index + 1}] ${where.join(', ')} (score ${source.score.toFixed(2)})`;
    })
    .join('\n');
}
