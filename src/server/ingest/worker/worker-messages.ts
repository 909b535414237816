import { z } from 'zod';
import { ParseFailureReason as FailureReason } from '../../../protocol/documents.ts';
import { ParseProgressSchema, ParseRequestSchema, ParseResultSchema } from '../parse-request.ts';

/** Main thread → parse worker. */
export const ToWorkerMessage = z.object({
  type: z.literal('parse'),
  jobId: z.number().int(),
  request: ParseRequestSchema,
});
export type ToWorkerMessage = z.infer<typeof ToWorkerMessage>;

/** Parse worker → main thread; validated like any input from outside the event loop's own code. */
export const FromWorkerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('progress'), jobId: z.number().int(), progress: ParseProgressSchema }),
  /** The worker's own memory (V8 heap plus buffers outside it), sent while a job runs. */
  z.object({ type: z.literal('memory'), jobId: z.number().int(), heapBytes: z.number().min(0), externalBytes: z.number().min(0) }),
  z.object({ type: z.literal('done'), jobId: z.number().int(), result: ParseResultSchema }),
  z.object({
    type: z.literal('failed'),
    jobId: z.number().int(),
    /** `message` is for the user; `detail` (the original error) is for logs only. */
    error: z.object({ message: z.string(), reason: FailureReason, detail: z.string().optional() }),
  }),
]);
export type FromWorkerMessage = z.infer<typeof FromWorkerMessage>;
