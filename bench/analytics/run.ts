// npm run bench:analytics [-- 500,2000]: PCA / t-SNE / UMAP time in the analytics worker for clustered
// 768-dimensional points, and the event loop's delay on the main thread meanwhile.
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AnalyticsCompute } from '../../src/server/analytics/analytics-compute.ts';
import { seededRandom } from '../../src/server/analytics/math/seeded-random.ts';
import type { ReductionMethod } from '../../src/server/analytics/worker/compute-task.ts';

const sizes = (process.argv[2] ?? '500,2000').split(',').map(Number);
const DIMENSIONS = 768;

/** Points around 12 random centres, like chunks of 12 documents. */
function clusteredRows(count: number): Float32Array[] {
  const random = seededRandom(1);
  const centres = Array.from({ length: 12 }, () => Float32Array.from({ length: DIMENSIONS }, () => random() - 0.5));
  return Array.from({ length: count }, (_, index) => Float32Array.from(centres[index % 12]!, (value) => value + (random() - 0.5) * 0.3));
}

const compute = new AnalyticsCompute({ concurrency: 1, timeoutMs: 600_000, maxMemoryMb: 2048 });
// The machine is often shared: the load average says how much else ran meanwhile.
const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');
console.log(`load average (1 / 5 / 15 min) at start: ${load()} on ${os.cpus().length} cores`);
// CPU seconds of the whole process (the worker threads included) vary far less with load than wall time.
console.log('points  method  seconds  cpu s  loop delay p99 / max (ms)');
for (const size of sizes) {
  const rows = clusteredRows(size);
  for (const method of ['pca', 'tsne', 'umap'] as ReductionMethod[]) {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await compute.run({ type: 'reduce', input: { kind: 'vectors', rows }, method, dimensions: 2, perplexity: 30, neighbors: 15 });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    delay.disable();
    console.log(
      `${String(size).padStart(6)}  ${method.padEnd(6)}  ${seconds.toFixed(2).padStart(7)}  ${cpuSeconds.toFixed(1).padStart(5)}  ${(delay.percentile(99) / 1e6).toFixed(1)} / ${(delay.max / 1e6).toFixed(1)}`,
    );
  }
}
await compute.close();
console.log(`load average at end: ${load()}`);
