import { serveParseJobs } from '../../../src/server/ingest/worker/serve-parse-jobs.ts';

/** The quoted text a parser library's error would echo from the file; it must never be logged. */
const QUOTED_DOCUMENT_TEXT = 'canary-document-text-7f3a';

/** A parse worker whose "parser library" crashes the way real ones do: a TypeError quoting its input. */
serveParseJobs(async () => {
  throw new TypeError(`Invalid XRef stream header near '${QUOTED_DOCUMENT_TEXT}' at offset 4711`);
});
