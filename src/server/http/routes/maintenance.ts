import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  FileStorageStats,
  MaintenanceStatusResponse,
  RecalculateCountsResponse,
  VectorstoreCleanupResponse,
} from '../../../protocol/maintenance.ts';
import { ErrorResponse } from '../../../protocol/rest.ts';
import type { MaintenanceService } from '../../maintenance/maintenance-service.ts';
import { requestActor } from '../request-actor.ts';

const tags = ['maintenance'];
const errors = { 401: ErrorResponse, 403: ErrorResponse };

/** The original's `/api/maintenance/*`: administrators only (the local user without accounts). */
export const maintenanceRoutes: FastifyPluginAsyncZod<{ maintenance: MaintenanceService }> = async (app, { maintenance }) => {
  app.get('/api/maintenance/stats/storage', {
    schema: { tags, response: { 200: FileStorageStats, ...errors } },
    handler: async (request) => maintenance.storageStats(requestActor(request)),
  });

  app.get('/api/maintenance/status', {
    schema: { tags, response: { 200: MaintenanceStatusResponse, ...errors } },
    handler: async (request) => maintenance.status(requestActor(request)),
  });

  app.post('/api/maintenance/recalculate-counts', {
    schema: { tags, response: { 200: RecalculateCountsResponse, ...errors } },
    handler: async (request) => maintenance.recalculateCounts(requestActor(request)),
  });

  app.post('/api/maintenance/cleanup/vectorstore', {
    schema: { tags, response: { 200: VectorstoreCleanupResponse, ...errors } },
    handler: async (request) => maintenance.cleanupVectorstore(requestActor(request)),
  });
};
