import { z } from 'zod';

/** Map computations whose progress one process tracks at once; more run without a report. */
export const MAX_TRACKED_PROGRESS = 100;

/** How far one running map computation is, as every process may read it. */
export const MapProgressEntry = z.object({
  projectId: z.number().int(),
  stage: z.enum(['reading', 'computing']),
  done: z.number().min(0).max(1).nullable(),
});
export type MapProgressEntry = z.infer<typeof MapProgressEntry>;

/**
 * Where running map computations report how far they are, keyed by the client's progress id. The
 * computation runs on one process; the poll for it may reach any other (workers, machines).
 */
export interface MapProgress {
  /** Starts tracking `id`: false when that id is taken or this process tracks too many. */
  start(id: string, projectId: number): Promise<boolean>;
  /** Replaces the entry of an id this process started (fire and forget). */
  update(id: string, entry: MapProgressEntry): void;
  /** The entry, wherever the computation runs; undefined once it has ended (or never started). */
  read(id: string): Promise<MapProgressEntry | undefined>;
  /** Stops tracking an id this process started. */
  end(id: string): void;
}

/** One process: the entries in memory. */
export class LocalMapProgress implements MapProgress {
  private readonly entries = new Map<string, MapProgressEntry>();

  async start(id: string, projectId: number): Promise<boolean> {
    if (this.entries.has(id) || this.entries.size >= MAX_TRACKED_PROGRESS) return false;
    this.entries.set(id, { projectId, stage: 'reading', done: null });
    return true;
  }

  update(id: string, entry: MapProgressEntry): void {
    if (this.entries.has(id)) this.entries.set(id, entry);
  }

  async read(id: string): Promise<MapProgressEntry | undefined> {
    return this.entries.get(id);
  }

  end(id: string): void {
    this.entries.delete(id);
  }
}
