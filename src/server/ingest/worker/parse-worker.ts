import { workerData } from 'node:worker_threads';
import { parseForIndexing } from '../parse-and-chunk.ts';
import { loadPdfium } from '../parsers/pdfium.ts';
import { serveParseJobs } from './serve-parse-jobs.ts';

/** Entry of a parse worker thread (loaded through bootstrap.mjs). */
serveParseJobs(parseForIndexing);
// A worker started ahead of its first job (the pool's warm-up) instantiates PDFium now; a job that
// comes meanwhile waits for the same instance. A failure here is retried by the first PDF.
if ((workerData as { preload?: boolean } | undefined)?.preload) loadPdfium().catch(() => undefined);
