import type {
  ChunkTableResponse,
  ChunkTableRow,
  DimensionalityReductionBody,
  DimensionalityReductionResponse,
  EmbeddingStatsResponse,
  ProgressResponse,
  SimilarityMatrixBody,
  SimilarityMatrixResponse,
} from '../../protocol/analytics.ts';
import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import { BadRequestError } from '../errors.ts';
import type { ChunkRecord, EmbeddingIndexRecord, Store } from '../store/store.ts';
import type { AnalyticsCompute } from './analytics-compute.ts';
import { chunkCsvLine, CHUNK_CSV_HEADER, csvLine } from './chunk-csv.ts';
import { chunkPages, completedDocuments } from './chunk-pages.ts';
import { evenSample } from './even-sample.ts';
import { SIMILARITY_SAMPLE_SIZE } from './math/embedding-statistics.ts';
import { vectorNorm } from './math/vector-rows.ts';
import type { MapProgress } from './progress/map-progress.ts';
import type { ComputeInput, ComputeResults, StreamPage } from './worker/compute-task.ts';

export interface ComputeOptions {
  /** Aborted when the client goes away: the worker is ended. */
  signal?: AbortSignal;
}

/** The chunk id the original used (its Chroma ids), which the retrieval tester returns too. */
export function chunkKey(chunk: { documentId: number; chunkIndex: number }): string {
  return `${chunk.documentId}_chunk_${chunk.chunkIndex}`;
}

function preview(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}...` : text;
}

/**
 * What the documents look like to the model: the embedding map, similarity heatmap, embedding
 * statistics and the chunk table, computed on the project's active embedding index or, with no
 * embedding model, on TF-IDF term vectors of the chunk texts. Every read goes through the access
 * policy; heavy math runs in `AnalyticsCompute`'s worker threads.
 */
export class AnalyticsService {
  constructor(
    private readonly deps: {
      store: Store;
      access: AccessPolicy;
      compute: AnalyticsCompute;
      /** Running map computations by their client-chosen progress id (removed when they end). */
      progress: MapProgress;
    },
  ) {}

  /** How far the map computation with this id is (on whichever process runs it); `unknown` once it has ended. */
  async progressOf(actor: Actor, projectId: number, progressId: string): Promise<ProgressResponse> {
    await this.deps.access.requireProject(actor, projectId, 'read');
    const entry = await this.deps.progress.read(progressId);
    if (!entry || entry.projectId !== projectId) return { progress_id: progressId, stage: 'unknown', done: null };
    return { progress_id: progressId, stage: entry.stage, done: entry.done };
  }

  async embeddings(actor: Actor, projectId: number, options: { documentId?: number; limit: number; includeText: boolean }) {
    await this.deps.access.requireProject(actor, projectId, 'read');
    const index = await this.deps.store.vectors.activeIndex(projectId);
    if (!index) {
      throw new BadRequestError(
        'This project has no embeddings: no embedding model has embedded it (the map, heatmap and statistics use term vectors instead)',
      );
    }
    const embeddings = [];
    const documentIds = options.documentId === undefined ? undefined : [options.documentId];
    for await (const page of chunkPages(this.deps.store, { projectId, documentIds })) {
      const vectors = await this.deps.store.analytics.findVectors({ indexId: index.id, chunkIds: page.map((chunk) => chunk.id) });
      for (const chunk of page) {
        const vector = vectors.get(chunk.id);
        if (!vector) continue;
        embeddings.push({
          chunk_id: chunkKey(chunk),
          document_id: chunk.documentId,
          document_name: chunk.filename,
          chunk_index: chunk.chunkIndex,
          embedding: Array.from(vector),
          text: options.includeText ? chunk.content : null,
          metadata: {
            page: chunk.page,
            heading: chunk.heading,
            sheet: chunk.sheet,
            rows: chunk.rows,
            start_char: chunk.startChar,
            end_char: chunk.endChar,
          },
        });
        if (embeddings.length === options.limit)
          return { embeddings, total: embeddings.length, limit: options.limit, embedding_model: index.model };
      }
    }
    return { embeddings, total: embeddings.length, limit: options.limit, embedding_model: index.model };
  }

  async reduce(
    actor: Actor,
    projectId: number,
    body: DimensionalityReductionBody,
    options: ComputeOptions = {},
  ): Promise<DimensionalityReductionResponse> {
    await this.deps.access.requireProject(actor, projectId, 'read');
    const { progress } = this.deps;
    const tracked = body.progress_id !== undefined && (await progress.start(body.progress_id, projectId)) ? body.progress_id : undefined;
    try {
      return await this.reduceTracked(projectId, body, options, tracked);
    } finally {
      if (tracked) progress.end(tracked);
    }
  }

  private async reduceTracked(
    projectId: number,
    body: DimensionalityReductionBody,
    options: ComputeOptions,
    progressId: string | undefined,
  ): Promise<DimensionalityReductionResponse> {
    const index = await this.deps.store.vectors.activeIndex(projectId);
    const { chunks, input } = await this.sampleRows({ projectId, index, documentIds: body.document_ids, size: body.n_samples });
    if (chunks.length < 2) throw new BadRequestError('Not enough embeddings for dimensionality reduction (need at least 2)');
    const count = chunks.length;
    // The original's caps: t-SNE needs perplexity below a third of the points, UMAP fewer neighbours than points.
    const perplexity = Math.max(1, Math.min(body.perplexity, Math.floor((count - 1) / 3)));
    const neighbors = Math.max(1, Math.min(body.n_neighbors, count - 1));
    const report = progressId
      ? (done: number | null) => this.deps.progress.update(progressId, { projectId, stage: 'computing', done })
      : undefined;
    report?.(body.method === 'pca' ? null : 0);
    const { coordinates, explainedVariance } = await this.deps.compute.run(
      { type: 'reduce', input, method: body.method, dimensions: body.dimensions, perplexity, neighbors },
      { ...options, onProgress: report ? (done) => report(Math.min(1, done)) : undefined },
    );
    const points = chunks.map((chunk, position) => {
      const point = coordinates[position]!;
      return {
        x: point[0] ?? 0,
        y: point[1] ?? 0,
        z: body.dimensions === 3 ? (point[2] ?? 0) : null,
        chunk_id: chunkKey(chunk),
        chunk_index: chunk.chunkIndex,
        document_id: chunk.documentId,
        document_name: chunk.filename,
        text_preview: preview(chunk.content, 100),
      };
    });
    return {
      method: body.method,
      dimensions: body.dimensions,
      points,
      total_points: points.length,
      explained_variance: explainedVariance,
      perplexity: body.method === 'tsne' ? perplexity : null,
      n_neighbors: body.method === 'umap' ? neighbors : null,
      vector_source: index ? 'embedding' : 'tfidf',
      embedding_model: index?.model ?? null,
    };
  }

  async similarityMatrix(
    actor: Actor,
    projectId: number,
    body: SimilarityMatrixBody,
    options: ComputeOptions = {},
  ): Promise<SimilarityMatrixResponse> {
    await this.deps.access.requireProject(actor, projectId, 'read');
    const index = await this.deps.store.vectors.activeIndex(projectId);
    const source = { vector_source: index ? ('embedding' as const) : ('tfidf' as const), embedding_model: index?.model ?? null };
    if (body.scope === 'chunk') {
      const { chunks, input } = await this.sampleRows({ projectId, index, documentIds: body.document_ids, size: body.max_items });
      if (chunks.length < 2) throw new BadRequestError('Not enough embeddings for similarity matrix (need at least 2)');
      const { matrix } = await this.deps.compute.run({ type: 'similarity', input }, options);
      const items = chunks.map((chunk) => ({
        id: chunkKey(chunk),
        label: `${chunk.filename} - Chunk ${chunk.chunkIndex}`,
        text: preview(chunk.content, 300),
      }));
      return { scope: 'chunk', items, matrix, ...source };
    }
    const wanted = body.document_ids ? new Set(body.document_ids) : undefined;
    const documents = (await completedDocuments(this.deps.store, projectId))
      .filter((document) => document.chunkCount > 0 && (!wanted || wanted.has(document.id)))
      .slice(0, body.max_items);
    // Each document's mean embedding over all of its chunks (or its summed term counts), summed in the worker.
    const { keys, matrix } = await this.deps.compute.stream(
      { type: 'pooled-similarity', source: index ? 'vectors' : 'texts', keys: documents.map((document) => document.id) },
      this.rowPages({ projectId, index, documentIds: documents.map((document) => document.id) }),
      options,
    );
    if (keys.length < 2) throw new BadRequestError('Not enough embeddings for similarity matrix (need at least 2)');
    const byId = new Map(documents.map((document) => [document.id, document]));
    const kept = keys.map((id) => byId.get(id)!);
    return {
      scope: 'document',
      items: kept.map((document) => ({ id: String(document.id), label: document.filename, text: null })),
      matrix,
      ...source,
    };
  }

  async embeddingStats(actor: Actor, projectId: number, options: ComputeOptions = {}): Promise<EmbeddingStatsResponse> {
    await this.deps.access.requireProject(actor, projectId, 'read');
    const { store } = this.deps;
    const index = await store.vectors.activeIndex(projectId);
    const documents = await completedDocuments(store, projectId);
    let totalChunks = 0;
    const sampleIds: number[] = [];
    const countChunks = (page: ChunkRecord[]) => {
      totalChunks += page.length;
      for (const chunk of page) sampleIds.push(chunk.id);
    };
    let norms: ComputeResults['norm-statistics'] | undefined;
    if (index)
      norms = await this.deps.compute.stream(
        { type: 'norm-statistics' },
        this.rowPages({ projectId, index, onPage: countChunks }),
        options,
      );
    else for await (const page of chunkPages(store, { projectId })) countChunks(page);
    const byDocument = new Map(norms?.byKey ?? []);
    let averageSimilarity: number | null = null;
    if (totalChunks >= 2) {
      const { chunks, input } = await this.rowsOf({ index, chunkIds: evenSample(sampleIds, SIMILARITY_SAMPLE_SIZE), projectId });
      if (chunks.length >= 2)
        averageSimilarity = (await this.deps.compute.run({ type: 'average-similarity', input }, options)).averageSimilarity;
    }
    const overall = norms?.overall ?? undefined;
    const dimension = norms?.dimension ?? 0;
    return {
      total_chunks: totalChunks,
      total_documents: documents.length,
      embedding_dimension: index ? dimension || index.dimensions : 0,
      embedding_model: index?.model ?? null,
      stats: {
        mean_norm: overall?.mean ?? null,
        std_norm: overall?.std ?? null,
        min_norm: overall?.min ?? null,
        max_norm: overall?.max ?? null,
        avg_similarity: averageSimilarity,
      },
      document_breakdown: documents.map((document) => {
        const statistics = byDocument.get(document.id);
        return {
          document_id: document.id,
          document_name: document.filename,
          chunk_count: document.chunkCount,
          avg_norm: statistics?.mean ?? null,
          std_norm: statistics?.std ?? null,
        };
      }),
      vector_source: index ? 'embedding' : 'tfidf',
      embedded_chunks: norms?.count ?? 0,
    };
  }

  async chunkTable(
    actor: Actor,
    projectId: number,
    options: { documentId?: number; search?: string; skip: number; limit: number },
  ): Promise<ChunkTableResponse> {
    await this.deps.access.requireProject(actor, projectId, 'read');
    const index = await this.deps.store.vectors.activeIndex(projectId);
    const { chunks, total } = await this.deps.store.analytics.searchChunks({
      projectId,
      documentId: options.documentId,
      text: options.search || undefined,
      skip: options.skip,
      limit: options.limit,
    });
    return {
      chunks: await this.tableRows(index, chunks),
      total,
      skip: options.skip,
      limit: options.limit,
      embedding_model: index?.model ?? null,
    };
  }

  /** The whole chunk table (matching the same filters) as CSV lines, read page by page. */
  async chunkCsv(actor: Actor, projectId: number, options: { documentId?: number; search?: string }): Promise<AsyncGenerator<string>> {
    await this.deps.access.requireProject(actor, projectId, 'read');
    const { store } = this.deps;
    const index = await store.vectors.activeIndex(projectId);
    const rowsOf = (chunks: ChunkRecord[]) => this.tableRows(index, chunks);
    return (async function* lines() {
      yield csvLine(CHUNK_CSV_HEADER);
      for (let skip = 0; ; skip += 500) {
        const { chunks } = await store.analytics.searchChunks({
          projectId,
          documentId: options.documentId,
          text: options.search || undefined,
          skip,
          limit: 500,
        });
        for (const row of await rowsOf(chunks)) yield chunkCsvLine(row);
        if (chunks.length < 500) return;
      }
    })();
  }

  private async tableRows(index: EmbeddingIndexRecord | undefined, chunks: ChunkRecord[]): Promise<ChunkTableRow[]> {
    const vectors = index
      ? await this.deps.store.analytics.findVectors({ indexId: index.id, chunkIds: chunks.map((chunk) => chunk.id) })
      : new Map<number, Float32Array>();
    return chunks.map((chunk) => {
      const vector = vectors.get(chunk.id);
      return {
        chunk_id: chunkKey(chunk),
        document_id: chunk.documentId,
        document_name: chunk.filename,
        chunk_index: chunk.chunkIndex,
        text_preview: chunk.content.slice(0, 200),
        char_count: chunk.content.length,
        page: chunk.page,
        embedding_dimension: vector ? vector.length : null,
        embedding_norm: vector ? vectorNorm(vector) : null,
      };
    });
  }

  /**
   * An even sample of `size` chunks of the project (of `documentIds` only, filtered before the
   * sample), with their vectors: embeddings when the project has an active index (chunks not yet
   * embedded are left out), else term counts.
   */
  private async sampleRows(options: { projectId: number; index: EmbeddingIndexRecord | undefined; documentIds?: number[]; size: number }) {
    const ids: number[] = [];
    for await (const page of chunkPages(this.deps.store, { projectId: options.projectId, documentIds: options.documentIds })) {
      ids.push(...page.map((chunk) => chunk.id));
    }
    return this.rowsOf({ projectId: options.projectId, index: options.index, chunkIds: evenSample(ids, options.size) });
  }

  private async rowsOf(options: {
    projectId: number;
    index: EmbeddingIndexRecord | undefined;
    chunkIds: number[];
  }): Promise<{ chunks: ChunkRecord[]; input: ComputeInput }> {
    const chunks = await this.deps.store.chunks.findByIds(options.projectId, options.chunkIds);
    if (!options.index) return { chunks, input: { kind: 'texts', texts: chunks.map((chunk) => chunk.content) } };
    const vectors = await this.deps.store.analytics.findVectors({ indexId: options.index.id, chunkIds: options.chunkIds });
    const embedded = chunks.filter((chunk) => vectors.has(chunk.id));
    return { chunks: embedded, input: { kind: 'vectors', rows: embedded.map((chunk) => vectors.get(chunk.id)!) } };
  }

  /**
   * The chunks of the project (or of some documents) page by page as worker input, keyed by document:
   * their vectors copied into one flat array per page (moved to the worker, not cloned), or their texts
   * when there is no embedding index. Chunks not yet embedded are left out.
   */
  private async *rowPages(options: {
    projectId: number;
    index: EmbeddingIndexRecord | undefined;
    documentIds?: number[];
    onPage?: (page: ChunkRecord[]) => void;
  }): AsyncGenerator<StreamPage> {
    const { store } = this.deps;
    if (options.documentIds?.length === 0) return;
    for await (const page of chunkPages(store, { projectId: options.projectId, documentIds: options.documentIds })) {
      options.onPage?.(page);
      if (!options.index) {
        yield { keys: page.map((chunk) => chunk.documentId), texts: page.map((chunk) => chunk.content) };
        continue;
      }
      const vectors = await store.analytics.findVectors({ indexId: options.index.id, chunkIds: page.map((chunk) => chunk.id) });
      const embedded = page.filter((chunk) => vectors.has(chunk.id));
      if (embedded.length === 0) continue;
      const dimension = vectors.get(embedded[0]!.id)!.length;
      const flat = new Float32Array(embedded.length * dimension);
      embedded.forEach((chunk, position) => flat.set(vectors.get(chunk.id)!.subarray(0, dimension), position * dimension));
      yield { keys: embedded.map((chunk) => chunk.documentId), dimension, flat };
    }
  }
}
