import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repositoryRoot = path.resolve(benchDir, '..');

export function machine() {
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
  };
}

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
  const readme = fs.existsSync(readmePath)
    ? fs.readFileSync(readmePath, 'utf8')
    : '# Benchmarks\n\nEach benchmark has one npm script and writes `bench/results/<name>.json` plus its section below.\n';
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const section = `${start}\n${markdown.trim()}\n${end}`;
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  fs.writeFileSync(readmePath, pattern.test(readme) ? readme.replace(pattern, section) : `${readme.trimEnd()}\n\n${section}\n`);
  console.log(`\n${markdown.trim()}\n`);
}
