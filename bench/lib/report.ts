import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Renders rows as a markdown table, columns in the order of the first row's keys. */
export function markdownTable(rows: Array<Record<string, string | number>>): string {
  const columns = Object.keys(rows[0] ?? {});
  return [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((column) => String(row[column])).join(' | ')} |`),
  ].join('\n');
}

/**
 * Writes a benchmark's JSON to bench/results/<name>.json and replaces its section (between
 * `<!-- bench:<name> -->` markers) in bench/README.md, so each benchmark owns one section.
 */
export function publish(name: string, result: unknown, markdown: string): void {
  fs.mkdirSync(path.join(benchDir, 'results'), { recursive: true });
  fs.writeFileSync(path.join(benchDir, 'results', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const readmePath = path.join(benchDir, 'README.md');
  const readme = fs.existsSync(readmePath) ? fs.readFileSync(readmePath, 'utf8') : '# Benchmarks\n';
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const section = `${start}\n${markdown.trim()}\n${end}`;
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  fs.writeFileSync(readmePath, pattern.test(readme) ? readme.replace(pattern, section) : `${readme.trimEnd()}\n\n${section}\n`);
}
