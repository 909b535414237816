import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ModelServerReport, ModelsInUse } from '../../../protocol/llm.ts';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  database_status: 'connected' | 'error';
  database_error?: string;
  ollama_status: 'running' | 'not_running';
  ollama_models_count: number;
  ollama_warning?: string;
  llm_provider: string;
  /** The chat model server: reachable, which model, whether it is installed, in plain words. */
  llm_server: ModelServerReport;
  embedding_server: ModelServerReport;
  models_in_use: { llm: string; embedding: string };
  active_generations: number;
  connections: number;
}

const HealthReportSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database_status: z.enum(['connected', 'error']),
  database_error: z.string().optional(),
  ollama_status: z.enum(['running', 'not_running']),
  ollama_models_count: z.number().int(),
  ollama_warning: z.string().optional(),
  llm_provider: z.string(),
  llm_server: ModelServerReport,
  embedding_server: ModelServerReport,
  models_in_use: ModelsInUse,
  active_generations: z.number().int(),
  connections: z.number().int(),
});

export const VERSION = '0.1.0';

/** What an unauthenticated caller learns in token mode: up or not, nothing about models or load. */
const HealthStatusOnly = z.object({ status: z.enum(['ok', 'degraded']) });
const LivenessStatusOnly = z.object({ status: z.literal('healthy') });

/**
 * `/health` (liveness, as the original) and `/api/health` (what works and what does not). In token
 * mode a caller without the token gets only `{status}`: versions, model names and connection counts
 * help an attacker and no monitor needs them.
 */
export const healthRoutes: FastifyPluginAsyncZod<{
  report: () => Promise<HealthReport>;
  /** Whether this request may see the details (it carries the API token, or none is configured). */
  showDetails: (request: FastifyRequest) => boolean;
}> = async (app, { report, showDetails }) => {
  app.get('/health', {
    schema: {
      tags: ['health'],
      response: {
        200: z.union([z.object({ status: z.literal('healthy'), message: z.string(), version: z.string() }), LivenessStatusOnly]),
      },
    },
    handler: async (request) =>
      showDetails(request)
        ? { status: 'healthy' as const, message: 'DAA Chatbot API is running', version: VERSION }
        : { status: 'healthy' as const },
  });

  app.get('/api/health', {
    schema: { tags: ['health'], response: { 200: z.union([HealthReportSchema, HealthStatusOnly]) } },
    handler: async (request) => {
      const health = await report();
      return showDetails(request) ? health : { status: health.status };
    },
  });
};
