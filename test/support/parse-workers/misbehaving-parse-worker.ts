import { parseAndChunk } from '../../../src/server/ingest/parse-and-chunk.ts';
import { serveParseJobs } from '../../../src/server/ingest/worker/serve-parse-jobs.ts';

/**
 * A parse worker for tests of the pool's limits: the real protocol and parser, except for files named
 * `hang` (a parser stuck in a loop) and `eat-memory` (a parser that allocates without end).
 */
serveParseJobs(async (request, onProgress) => {
  if (request.filename === 'hang') {
    onProgress({ stage: 'parsing', pagesDone: 0, pagesTotal: 1 });
    for (;;) {
      // Busy forever, as a parser caught in a malformed file's cycle would be.
    }
  }
  if (request.filename === 'eat-memory') {
    onProgress({ stage: 'parsing', pagesDone: 0, pagesTotal: 1 });
    const hoard: number[][] = [];
    for (;;) hoard.push(Array.from({ length: 100_000 }, (_, index) => index * 1.5));
  }
  return parseAndChunk(request, onProgress);
});
