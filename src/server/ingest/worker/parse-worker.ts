import { parseForIndexing } from '../parse-and-chunk.ts';
import { serveParseJobs } from './serve-parse-jobs.ts';

/** Entry of a parse worker thread (loaded through bootstrap.mjs). */
serveParseJobs(parseForIndexing);
