import { parseAndChunk } from '../../../src/server/ingest/parse-and-chunk.ts';
import { serveParseJobs } from '../../../src/server/ingest/worker/serve-parse-jobs.ts';

/**
 * A parse worker for the pool's RSS backstop: a file named `hog-<MB>` makes it fill that many MB of
 * Buffers (outside the V8 heap) without ever yielding, so it cannot report its memory, then spin.
 * It stops at <MB> so that a pool without the backstop fails the test by timeout, not the machine.
 */
serveParseJobs(async (request, onProgress) => {
  const hog = /^hog-(\d+)$/.exec(request.filename);
  if (hog) {
    onProgress({ stage: 'parsing', pagesDone: 0, pagesTotal: 1 });
    const hoard: Buffer[] = [];
    for (let megabytes = 0; megabytes < Number(hog[1]); megabytes += 8) hoard.push(Buffer.alloc(8 * 1024 * 1024, 1));
    for (;;) {
      // Holding the memory, busy, as a parser stuck in one huge synchronous decode would be.
    }
  }
  return parseAndChunk(request, onProgress);
});
