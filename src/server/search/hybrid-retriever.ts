import type { RetrievalMode } from '../../protocol/documents.ts';
import { RetrievalModeSetting } from '../../protocol/settings.ts';
import type { Source } from '../../protocol/source.ts';
import { isAbortError } from '../errors.ts';
import type { EmbedderResolver } from '../llm/embedder-resolver.ts';
import type { Logger } from '../logger.ts';
import type { ChunkRecord, Store } from '../store/store.ts';
import { retrievalQuery } from './follow-up-query.ts';
import { DEFAULT_FUSION, type FusedHit, type FusionOptions, fuse, type LexicalHit, type VectorHit } from './fusion.ts';
import type { RequestedRetrievalMode, RetrieveOptions, Retriever } from './retriever.ts';

export type { RetrievalMode };

export interface RetrievalResult {
  sources: Source[];
  mode: RetrievalMode;
  /** The text searched: the question, or the previous turn and the question for a follow-up. */
  query: string;
  /** The embedder of the vector index used, when one was. */
  embeddingModel: string | null;
  vectorMatch?: { indexId: number; queryEmbedding: ArrayLike<number> };
  /** Cosine distance per chunk id, for the ones the vector search found. */
  distances: Map<number, number>;
  /** Per returned chunk id: its places in each list and the score it was ranked by. */
  ranks: Map<number, FusedHit>;
  /** The candidate lists before fusion, best first (benchmarks compare fusion rules on them). */
  lexical: LexicalHit[];
  vector: VectorHit[];
}

/** Candidates taken from each list before fusion, relative to the number of results wanted. */
const CANDIDATE_FACTOR = 4;
const MIN_CANDIDATES = 40;

/**
 * Full-text (the store's BM25) unless the project searches by vectors only; vector KNN on the
 * project's active index when it exists, the query can be embedded by that index's own model and
 * the project does not search by full text only; fused (fusion.ts) when both answered. Both searches
 * are confined to the project before ranking.
 *
 * Scores (0–1, higher is better): full-text alone: BM25 relative to the best hit; vectors alone:
 * cosine similarity; hybrid: the fused score.
 */
export class HybridRetriever implements Retriever {
  constructor(
    private readonly deps: {
      store: Store;
      embedders: EmbedderResolver;
      logger: Logger;
      fusion?: FusionOptions;
    },
  ) {}

  async retrieve(options: RetrieveOptions): Promise<Source[]> {
    return (await this.search(options)).sources;
  }

  async search(options: RetrieveOptions): Promise<RetrievalResult> {
    const { store } = this.deps;
    const candidates = Math.max(MIN_CANDIDATES, options.limit * CANDIDATE_FACTOR);
    const requested = options.mode ?? (await this.projectMode(options.projectId));
    const query = retrievalQuery(options.query, options.previousQuestion);
    const searchOptions = { ...options, query };
    const [lexicalFirst, vector] = await Promise.all([
      requested === 'vector' ? [] : store.chunks.searchFullText({ projectId: options.projectId, query, limit: candidates }),
      requested === 'full_text' ? undefined : this.vectorSearch(searchOptions, candidates),
    ]);
    // Vectors only, but no vector index answered: full text rather than nothing.
    const lexical =
      requested === 'vector' && !(vector && vector.hits.length > 0)
        ? await store.chunks.searchFullText({ projectId: options.projectId, query, limit: candidates })
        : lexicalFirst;
    const vectorHits = vector?.hits ?? [];

    let ranked: FusedHit[];
    let mode: RetrievalMode;
    if (vectorHits.length > 0 && lexical.length > 0) {
      mode = 'hybrid';
      ranked = fuse(lexical, vectorHits, this.deps.fusion ?? DEFAULT_FUSION);
    } else if (vectorHits.length > 0) {
      mode = 'vector';
      ranked = vectorHits.map((hit, index) => ({
        id: hit.chunkId,
        score: clamp01(1 - hit.distance),
        fullTextRank: null,
        vectorRank: index + 1,
      }));
    } else if (lexical.length > 0) {
      mode = 'full_text';
      const best = lexical[0]!.score || 1;
      ranked = lexical.map((hit, index) => ({
        id: hit.chunkId,
        score: clamp01(hit.score / best),
        fullTextRank: index + 1,
        vectorRank: null,
      }));
    } else {
      mode = 'none';
      ranked = [];
    }

    const kept = ranked.filter((hit) => hit.score >= options.minScore).slice(0, options.limit);
    const chunks = await store.chunks.findByIds(
      options.projectId,
      kept.map((hit) => hit.id),
    );
    const byId = new Map(chunks.map((chunk) => [chunk.id, chunk]));
    const sources = kept.flatMap((hit) => {
      const chunk = byId.get(hit.id);
      return chunk ? [toSource(chunk, hit.score)] : [];
    });
    return {
      sources,
      mode,
      query,
      embeddingModel: vector?.model ?? null,
      ...(vector ? { vectorMatch: { indexId: vector.indexId, queryEmbedding: vector.embedding } } : {}),
      distances: new Map(vectorHits.map((hit) => [hit.chunkId, hit.distance])),
      ranks: new Map(kept.map((hit) => [hit.id, hit])),
      lexical,
      vector: vectorHits,
    };
  }

  /** The project's `retrieval_mode` (an invalid stored value counts as unset). */
  private async projectMode(projectId: number): Promise<RequestedRetrievalMode> {
    const project = await this.deps.store.projects.findById(projectId);
    const parsed = RetrievalModeSetting.safeParse(project?.settings.retrieval_mode);
    return parsed.success ? parsed.data : 'hybrid';
  }

  private async vectorSearch(
    options: RetrieveOptions,
    limit: number,
  ): Promise<
    { model: string; indexId: number; embedding: ArrayLike<number>; hits: Array<{ chunkId: number; distance: number }> } | undefined
  > {
    const { store, embedders, logger } = this.deps;
    const index = await store.vectors.activeIndex(options.projectId);
    if (!index || (index.provider !== 'ollama' && index.provider !== 'openai')) return undefined;
    try {
      // The query is embedded by the model that built the index, whatever the current setting says.
      const [embedding] = await embedders.embedder({ provider: index.provider, model: index.model }).embed({
        texts: [options.query],
        signal: options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(15_000)]) : AbortSignal.timeout(15_000),
      });
      if (!embedding || embedding.length !== index.dimensions) return undefined;
      return {
        model: index.model,
        indexId: index.id,
        embedding,
        hits: await store.vectors.search({ indexId: index.id, embedding, limit }),
      };
    } catch (error) {
      if (options.signal?.aborted || isAbortError(error)) throw error;
      // No embedder now: full-text still answers.
      logger.warn({ projectId: options.projectId, reason: (error as Error).message }, 'vector search skipped');
      return undefined;
    }
  }
}

function clamp01(value: number): number {
  return Math.max(0, Math.min(1, value));
}

export function toSource(chunk: ChunkRecord, score: number): Source {
  return {
    id: `${chunk.documentId}_chunk_${chunk.chunkIndex}`,
    content: chunk.content,
    metadata: {
      document_id: chunk.documentId,
      filename: chunk.filename,
      chunk_index: chunk.chunkIndex,
      start_char: chunk.startChar,
      end_char: chunk.endChar,
      page: chunk.page,
      ...(chunk.heading ? { heading: chunk.heading } : {}),
      ...(chunk.sheet ? { sheet: chunk.sheet } : {}),
      ...(chunk.rows ? { rows: chunk.rows } : {}),
      chunk_id: chunk.id,
    },
    score: Math.round(score * 10_000) / 10_000,
  };
}
