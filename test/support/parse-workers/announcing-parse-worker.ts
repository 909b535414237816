import fs from 'node:fs';
import { threadId, workerData } from 'node:worker_threads';
import { serveParseJobs } from '../../../src/server/ingest/worker/serve-parse-jobs.ts';
import { parseAndChunk } from '../../../src/server/ingest/parse-and-chunk.ts';

/**
 * A parse worker for the pool's warm-up tests: the real protocol and parser, and one line per
 * started worker in the file named by PARSE_WORKER_LOG (so a test sees workers no job asked for).
 * Files named `hang` hang, as in the misbehaving worker.
 */
const log = process.env.PARSE_WORKER_LOG;
if (log) fs.appendFileSync(log, `${threadId} preload=${Boolean((workerData as { preload?: boolean }).preload)}\n`);
serveParseJobs(async (request, onProgress) => {
  if (request.filename === 'hang') {
    onProgress({ stage: 'parsing', pagesDone: 0, pagesTotal: 1 });
    for (;;) {
      // Busy forever.
    }
  }
  return parseAndChunk(request, onProgress);
});
