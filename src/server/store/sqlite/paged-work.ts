import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Each synchronous step aims at this much time, well under the ~20 ms a caller may block the loop. */
const TARGET_STEP_MS = 5;
const MIN_PAGE = 10;
const MAX_PAGE = 10_000;

/**
 * Runs a big statement as many small ones: `step(limit)` handles at most `limit` rows and returns how
 * many it did; the loop yields to the event loop between steps and sizes the next page from how long
 * the last one took, so a page stays short on a fast disk and on a busy machine alike. Ends when a
 * step does fewer rows than asked. Returns the rows done.
 */
export async function runInPages(step: (limit: number) => number, options: { firstPage?: number } = {}): Promise<number> {
  let limit = options.firstPage ?? 200;
  let total = 0;
  for (;;) {
    const started = performance.now();
    const done = step(limit);
    const elapsed = performance.now() - started;
    total += done;
    if (done < limit) return total;
    const scale = elapsed > 0 ? TARGET_STEP_MS / elapsed : 2;
    limit = Math.round(Math.min(MAX_PAGE, Math.max(MIN_PAGE, limit * Math.min(2, Math.max(0.25, scale)))));
    await yieldToEventLoop();
  }
}

/**
 * Feeds `items` to `write` in batches sized like `runInPages` pages: each batch (reading its items
 * and writing them) aims at TARGET_STEP_MS, and the event loop runs between batches.
 */
export async function writeBatches<T>(
  items: Iterable<T>,
  write: (batch: T[]) => Promise<void>,
  options: { firstPage?: number } = {},
): Promise<number> {
  const iterator = items[Symbol.iterator]();
  let limit = options.firstPage ?? 50;
  let total = 0;
  for (;;) {
    const started = performance.now();
    const batch: T[] = [];
    let finished = false;
    while (batch.length < limit) {
      const next = iterator.next();
      if (next.done) {
        finished = true;
        break;
      }
      batch.push(next.value);
    }
    if (batch.length > 0) await write(batch);
    total += batch.length;
    if (finished) return total;
    const elapsed = performance.now() - started;
    const scale = elapsed > 0 ? TARGET_STEP_MS / elapsed : 2;
    limit = Math.round(Math.min(MAX_PAGE, Math.max(MIN_PAGE, limit * Math.min(2, Math.max(0.25, scale)))));
    await yieldToEventLoop();
  }
}
