import { z } from 'zod';

/** Messages between a worker (PrimaryTransport, PrimaryMetrics) and the primary's broker, tagged so they never mix with sticky's or the adapter's. */
export const WorkerToPrimary = z.discriminatedUnion('op', [
  z.object({ daa: z.literal(1), op: z.literal('hello'), instanceId: z.string() }),
  z.object({ daa: z.literal(1), op: z.literal('publish'), topic: z.string(), message: z.unknown() }),
  z.object({ daa: z.literal(1), op: z.literal('subscribe'), topic: z.string() }),
  z.object({ daa: z.literal(1), op: z.literal('unsubscribe'), topic: z.string() }),
  z.object({ daa: z.literal(1), op: z.literal('acquire'), id: z.number(), key: z.string() }),
  z.object({ daa: z.literal(1), op: z.literal('release'), id: z.number(), key: z.string() }),
  z.object({ daa: z.literal(1), op: z.literal('holder'), id: z.number(), key: z.string() }),
  z.object({ daa: z.literal(1), op: z.literal('resetLog'), key: z.string(), first: z.unknown(), ttlMs: z.number() }),
  z.object({ daa: z.literal(1), op: z.literal('appendLog'), key: z.string(), entry: z.unknown() }),
  z.object({ daa: z.literal(1), op: z.literal('readLog'), id: z.number(), key: z.string(), from: z.number() }),
  z.object({ daa: z.literal(1), op: z.literal('expireLog'), key: z.string(), ttlMs: z.number() }),
  z.object({ daa: z.literal(1), op: z.literal('metrics'), id: z.number() }),
]);
export type WorkerToPrimary = z.infer<typeof WorkerToPrimary>;

export type PrimaryToWorker =
  | { daa: 1; op: 'message'; topic: string; message: unknown }
  | { daa: 1; op: 'reply'; id: number; value: unknown }
  /** The answer to a worker's `metrics` request (PrimaryMetrics): every worker's text, or null. */
  | { daa: 1; op: 'metrics'; id: number; text: string | null };

/** Published by the primary when a worker died: its leases are gone, its streaming answers are orphans. */
export const INSTANCE_GONE_TOPIC = 'instance-gone';
