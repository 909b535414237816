import { evenSample } from '../analytics/even-sample.ts';
import { chunkPages } from '../analytics/chunk-pages.ts';
import type { Store } from '../store/store.ts';
import { relativeFloor, similarityStats, unitVectors } from './similarity-baseline.ts';

/** Chunks whose vectors a question is compared with (an even sample: every part of the project is represented). */
export const BASELINE_SAMPLE_SIZE = 200;
/** At most this many chunk ids are read to draw the sample from (a huge project is sampled from its first ones). */
const MAX_CHUNKS_SCANNED = 20_000;
/**
 * Standard deviations above the question's mean similarity to the sample its best passage must
 * reach. On SciFact with the bag-of-words test embedder (bench:refusal; README, "documents_only: when
 * are the documents relevant enough") 3 refuses 1.3 % of the in-domain claims and 4 already a third;
 * that embedder cannot tell everyday questions from claims, so how many of those 3 refuses with a
 * real model is not measured.
 */
export const RELEVANCE_K = 3;
/** Cosine similarity used while an index has too few vectors for a sample. */
export const FALLBACK_FLOOR = 0.5;
/** How often a cached sample looks whether its index has grown enough to be drawn again. */
const RECHECK_MS = 60_000;
/** Index versions remembered (one per project in use); each holds BASELINE_SAMPLE_SIZE vectors. */
const MAX_CACHED = 200;

interface Entry {
  sample: Float32Array[];
  vectorCount: number;
  checkedAt: number;
}

/**
 * The vector relevance floor of a question in a project: `mean + k·std` of the question's own cosine
 * similarity to a sample of the project's passages (similarity-baseline.ts). The sample is drawn
 * once per index version and cached; drawn again when the index has doubled (a project's first
 * document says little about its later ones).
 */
export class RelevanceBaselines {
  private readonly entries = new Map<number, Entry>();
  private readonly pending = new Map<number, Promise<Entry>>();

  constructor(private readonly deps: { store: Store; k?: number; now?: () => number }) {}

  /** The cosine similarity the best passage found for `queryEmbedding` in `indexId` must reach. */
  async floorFor(options: { projectId: number; indexId: number; queryEmbedding: ArrayLike<number> }): Promise<number> {
    const entry = await this.entryFor(options);
    const stats = similarityStats(options.queryEmbedding, entry.sample);
    return stats ? relativeFloor(stats, this.deps.k ?? RELEVANCE_K) : FALLBACK_FLOOR;
  }

  private async entryFor(options: { projectId: number; indexId: number }): Promise<Entry> {
    const now = this.deps.now?.() ?? Date.now();
    const cached = this.entries.get(options.indexId);
    if (cached && now - cached.checkedAt < RECHECK_MS) return cached;
    if (cached) {
      const count = await this.deps.store.vectors.countVectors(options.indexId);
      if (count < Math.max(2 * cached.vectorCount, 1)) {
        cached.checkedAt = now;
        return cached;
      }
    }
    // One draw per index at a time, however many questions arrive together.
    let running = this.pending.get(options.indexId);
    if (!running) {
      running = this.draw(options, now).finally(() => this.pending.delete(options.indexId));
      this.pending.set(options.indexId, running);
    }
    return running;
  }

  private async draw(options: { projectId: number; indexId: number }, now: number): Promise<Entry> {
    const { store } = this.deps;
    const ids: number[] = [];
    for await (const page of chunkPages(store, { projectId: options.projectId })) {
      ids.push(...page.map((chunk) => chunk.id));
      if (ids.length >= MAX_CHUNKS_SCANNED) break;
    }
    const chosen = evenSample(ids, BASELINE_SAMPLE_SIZE);
    const vectors = await store.analytics.findVectors({ indexId: options.indexId, chunkIds: chosen });
    const entry: Entry = {
      sample: unitVectors(chosen.flatMap((id) => vectors.get(id) ?? [])),
      vectorCount: await store.vectors.countVectors(options.indexId),
      checkedAt: now,
    };
    this.entries.delete(options.indexId);
    this.entries.set(options.indexId, entry);
    // Oldest out first: a Map iterates in insertion order.
    while (this.entries.size > MAX_CACHED) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}
