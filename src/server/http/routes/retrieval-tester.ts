import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TestRetrievalBody, TestRetrievalResponse } from '../../../protocol/documents.ts';
import { IdParam } from '../../../protocol/ids.ts';
import { ErrorResponse } from '../../../protocol/rest.ts';
import type { AccessPolicy } from '../../access/access-policy.ts';
import type { HybridRetriever } from '../../search/hybrid-retriever.ts';
import { requestActor } from '../request-actor.ts';

/** The original's retrieval tester: the same search a chat runs, with scores and how it was done. */
export const retrievalTesterRoutes: FastifyPluginAsyncZod<{ access: AccessPolicy; retriever: HybridRetriever }> = async (
  app,
  { access, retriever },
) => {
  app.post('/api/analytics/projects/:project_id/test-retrieval', {
    schema: {
      tags: ['analytics'],
      params: z.object({ project_id: IdParam }),
      body: TestRetrievalBody,
      response: { 200: TestRetrievalResponse, 404: ErrorResponse },
    },
    handler: async (request) => {
      const { id: projectId } = await access.requireProject(requestActor(request), request.params.project_id, 'read');
      const { query, top_k: limit, min_score: minScore } = request.body;
      const result = await retriever.search({ projectId, query, limit, minScore });
      const scores = result.sources.map((source) => source.score);
      return {
        query,
        query_embedding: null,
        results: result.sources.map((source) => {
          const chunkId = Number(source.metadata.chunk_id);
          return {
            chunk_id: source.id,
            document_id: source.metadata.document_id,
            document_name: source.metadata.filename,
            chunk_index: source.metadata.chunk_index,
            text: source.content,
            score: source.score,
            distance: result.distances.get(chunkId) ?? null,
            full_text_rank: result.ranks.get(chunkId)?.fullTextRank ?? null,
            vector_rank: result.ranks.get(chunkId)?.vectorRank ?? null,
            fused_score: result.mode === 'hybrid' ? source.score : null,
            page: source.metadata.page ?? null,
            heading: source.metadata.heading ?? null,
            sheet: source.metadata.sheet ?? null,
            rows: source.metadata.rows ?? null,
            start_char: source.metadata.start_char,
            end_char: source.metadata.end_char,
          };
        }),
        stats: {
          avg_score: scores.length ? scores.reduce((sum, score) => sum + score, 0) / scores.length : 0,
          min_score: scores.length ? Math.min(...scores) : 0,
          max_score: scores.length ? Math.max(...scores) : 0,
          score_distribution: scores,
          mode: result.mode,
          embedding_model: result.embeddingModel,
        },
      };
    },
  });
};
