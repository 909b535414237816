import v8 from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { ParseProgress, ParseRequest, ParseResult } from '../parse-request.ts';
import { DocumentParseError } from '../parsed-document.ts';
import { type FromWorkerMessage, ToWorkerMessage } from './worker-messages.ts';

const MEMORY_REPORT_INTERVAL_MS = 50;
/** Progress (with a memory report) goes out at most this often, plus at every stage change and at the end. */
const PROGRESS_INTERVAL_MS = 50;

export type ParseJobHandler = (request: ParseRequest, onProgress: (progress: ParseProgress) => void) => Promise<ParseResult>;

/**
 * The worker side of the parser pool: announces itself ready, then runs one job per message with
 * `handle` and posts progress, the result or the failure. Kept apart from the handler so tests can
 * run the real protocol around a handler that hangs or eats memory.
 */
export function serveParseJobs(handle: ParseJobHandler): void {
  const port = parentPort;
  if (!port) throw new Error('serveParseJobs must run in a worker thread');
  const post = (message: FromWorkerMessage) => port.postMessage(message);

  port.on('message', async (raw: unknown) => {
    const parsed = ToWorkerMessage.safeParse(raw);
    if (!parsed.success) {
      const jobId = typeof (raw as { jobId?: unknown })?.jobId === 'number' ? (raw as { jobId: number }).jobId : -1;
      post({ type: 'failed', jobId, error: { message: 'Invalid parse request', reason: 'unsupported' } });
      return;
    }
    const { jobId, request } = parsed.data;
    // The heap limit does not see typed arrays (and a WebAssembly heap such as PDFium's): report both, so the
    // pool can stop this job. A parser that never yields cannot report; the pool watches RSS for that.
    // The same counters as process.memoryUsage()'s heapUsed and external, without its read of the process's RSS.
    const reportMemory = () => {
      const heap = v8.getHeapStatistics();
      post({ type: 'memory', jobId, heapBytes: heap.used_heap_size, externalBytes: heap.external_memory });
    };
    const memoryTimer = setInterval(reportMemory, MEMORY_REPORT_INTERVAL_MS);
    // A synchronous parser (PDFium) reports only through progress, so its memory goes out with it;
    // one message pair per page cost the main thread more than the page's text.
    let lastPosted = 0;
    let lastStage: ParseProgress['stage'] | undefined;
    try {
      const result = await handle(request, (progress) => {
        const now = Date.now();
        const last = progress.pagesTotal !== undefined && progress.pagesDone === progress.pagesTotal;
        if (progress.stage === lastStage && !last && now - lastPosted < PROGRESS_INTERVAL_MS) return;
        lastPosted = now;
        lastStage = progress.stage;
        post({ type: 'progress', jobId, progress });
        reportMemory();
      });
      post({ type: 'done', jobId, result });
    } catch (error) {
      post({ type: 'failed', jobId, error: describeFailure(error) });
    } finally {
      clearInterval(memoryTimer);
    }
  });
  post({ type: 'ready' });
}

/**
 * A DocumentParseError is meant for the user. Anything else is a parser library choking on the file
 * (its message may quote file content or paths, so it only goes to `detail`).
 */
function describeFailure(error: unknown): { message: string; reason: DocumentParseError['reason']; detail?: string } {
  if (error instanceof DocumentParseError) return { message: error.message, reason: error.reason };
  const detail = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error).slice(0, 500);
  if (error instanceof RangeError && /allocation|buffer|memory|string length/i.test(error.message)) {
    return { message: 'The file needs more memory than a parse may use', reason: 'memory', detail };
  }
  return { message: 'The file could not be read: it may be damaged', reason: 'corrupt', detail };
}
