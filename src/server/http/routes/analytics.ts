import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ChunkExportQuery,
  ChunkTableQuery,
  ChunkTableResponse,
  DimensionalityReductionBody,
  DimensionalityReductionResponse,
  EmbeddingsQuery,
  EmbeddingsResponse,
  EmbeddingStatsResponse,
  ProgressParams,
  ProgressResponse,
  SimilarityMatrixBody,
  SimilarityMatrixResponse,
} from '../../../protocol/analytics.ts';
import { IdParam } from '../../../protocol/ids.ts';
import { ErrorResponse } from '../../../protocol/rest.ts';
import type { AnalyticsService } from '../../analytics/analytics-service.ts';
import { contentDisposition } from '../content-disposition.ts';
import { requestActor } from '../request-actor.ts';

const tags = ['analytics'];
const params = z.object({ project_id: IdParam });
const errors = { 400: ErrorResponse, 404: ErrorResponse, 504: ErrorResponse };

/** Aborts when the client hangs up before the answer is sent (the request's own 'close' fires once its body is read). */
function hangUpSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client went away'));
  });
  return controller.signal;
}

/** The original's analytics routes (the retrieval tester lives in retrieval-tester.ts). */
export const analyticsRoutes: FastifyPluginAsyncZod<{ analytics: AnalyticsService }> = async (app, { analytics }) => {
  app.get('/api/analytics/projects/:project_id/embeddings', {
    schema: { tags, params, querystring: EmbeddingsQuery, response: { 200: EmbeddingsResponse, ...errors } },
    handler: async (request) => {
      const { document_id: documentId, limit, include_text: includeText } = request.query;
      return analytics.embeddings(requestActor(request), request.params.project_id, { documentId, limit, includeText });
    },
  });

  app.post('/api/analytics/projects/:project_id/dimensionality-reduction', {
    schema: { tags, params, body: DimensionalityReductionBody, response: { 200: DimensionalityReductionResponse, ...errors } },
    handler: async (request, reply) =>
      analytics.reduce(requestActor(request), request.params.project_id, request.body, { signal: hangUpSignal(reply) }),
  });

  app.get('/api/analytics/projects/:project_id/progress/:progress_id', {
    schema: { tags, params: ProgressParams, response: { 200: ProgressResponse, 404: ErrorResponse } },
    handler: async (request) => analytics.progressOf(requestActor(request), request.params.project_id, request.params.progress_id),
  });

  app.post('/api/analytics/projects/:project_id/similarity-matrix', {
    schema: { tags, params, body: SimilarityMatrixBody, response: { 200: SimilarityMatrixResponse, ...errors } },
    handler: async (request, reply) =>
      analytics.similarityMatrix(requestActor(request), request.params.project_id, request.body, { signal: hangUpSignal(reply) }),
  });

  app.get('/api/analytics/projects/:project_id/embedding-stats', {
    schema: { tags, params, response: { 200: EmbeddingStatsResponse, ...errors } },
    handler: async (request, reply) =>
      analytics.embeddingStats(requestActor(request), request.params.project_id, { signal: hangUpSignal(reply) }),
  });

  app.get('/api/analytics/projects/:project_id/chunks', {
    schema: { tags, params, querystring: ChunkTableQuery, response: { 200: ChunkTableResponse, ...errors } },
    handler: async (request) => {
      const { document_id: documentId, search, skip, limit } = request.query;
      return analytics.chunkTable(requestActor(request), request.params.project_id, { documentId, search, skip, limit });
    },
  });

  app.get('/api/analytics/projects/:project_id/chunks/export', {
    schema: { tags, params, querystring: ChunkExportQuery, produces: ['text/csv'] },
    handler: async (request, reply) => {
      const { document_id: documentId, search } = request.query;
      const lines = await analytics.chunkCsv(requestActor(request), request.params.project_id, { documentId, search });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', contentDisposition('attachment', `chunks_${request.params.project_id}.csv`))
        .send(Readable.from(lines));
    },
  });
};
