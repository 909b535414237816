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

/** `/health` (liveness, as the original) and `/api/health` (what works and what does not). */
export const healthRoutes: FastifyPluginAsyncZod<{ report: () => Promise<HealthReport> }> = async (app, { report }) => {
  app.get('/health', {
    schema: {
      tags: ['health'],
      response: { 200: z.object({ status: z.literal('healthy'), message: z.string(), version: z.string() }) },
    },
    handler: async () => ({ status: 'healthy' as const, message: 'DAA Chatbot API is running', version: VERSION }),
  });

  app.get('/api/health', {
    schema: { tags: ['health'], response: { 200: HealthReportSchema } },
    handler: async () => report(),
  });
};
