import { z } from 'zod';

/** Work the main thread hands to the store's background connection. */
export const BackgroundRequest = z.object({
  id: z.number().int(),
  type: z.enum(['quick_check', 'drop_retired_vectors']),
});
export type BackgroundRequest = z.infer<typeof BackgroundRequest>;

export const BackgroundResponse = z.discriminatedUnion('ok', [
  z.object({
    id: z.number().int(),
    ok: z.literal(true),
    /** quick_check: what it found wrong (empty when the file is sound). */
    problems: z.array(z.string()).optional(),
    /** drop_retired_vectors: tables dropped. */
    dropped: z.number().int().optional(),
  }),
  z.object({ id: z.number().int(), ok: z.literal(false), message: z.string(), code: z.string().optional() }),
]);
export type BackgroundResponse = z.infer<typeof BackgroundResponse>;

export interface BackgroundWorkerData {
  entryUrl: string;
  filePath: string;
}
