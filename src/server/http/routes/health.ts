import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ModelServerReport, ModelsInUse } from '../../../protocol/llm.ts';
import type { HealthCheck, HealthService } from '../../health/health-service.ts';
import type { Readiness } from '../../health/readiness.ts';
import { VERSION } from '../../version.ts';

export { VERSION };

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  database_status: 'connected' | 'error';
  database_error?: string;
  /** sqlite or postgres. */
  database_engine: 'sqlite' | 'postgres';
  /** sqlite-vec, pgvector (HNSW) or exact (PostgreSQL without pgvector). */
  vector_search: 'sqlite-vec' | 'pgvector' | 'exact';
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
  database_engine: z.enum(['sqlite', 'postgres']),
  vector_search: z.enum(['sqlite-vec', 'pgvector', 'exact']),
  /** SQLite: the HNSW indexes of large vector index versions (memory is estimated from their size). */
  vector_index: z
    .object({
      kind: z.literal('hnsw-f16'),
      min_vectors: z.number().int(),
      indexes: z.number().int(),
      building: z.number().int(),
      /** Saved indexes being verified and loaded after a start (those versions are searched exactly meanwhile). */
      loading: z.number().int(),
      vectors: z.number().int(),
      memory_bytes: z.number(),
      /** Memory-mapped from the index files: in the OS's file cache, not the process's heap. */
      mapped_bytes: z.number(),
      file_bytes: z.number(),
    })
    .optional(),
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

/** The `/api/health` report: degraded when the database is down, or Ollama is required and down. */
export function healthReport(check: HealthCheck, connections: number): HealthReport {
  const { databaseError, servers } = check;
  const ollamaUp = servers.ollama.reachable;
  return {
    status: databaseError || (check.configuredProvider === 'ollama' && !ollamaUp) ? 'degraded' : 'ok',
    version: VERSION,
    database_status: databaseError ? 'error' : 'connected',
    ...(databaseError ? { database_error: databaseError } : {}),
    database_engine: check.database.engine,
    vector_search: check.database.vectorSearch,
    ...(check.vectorIndex
      ? {
          vector_index: {
            kind: check.vectorIndex.kind,
            min_vectors: check.vectorIndex.minVectors,
            indexes: check.vectorIndex.indexes,
            building: check.vectorIndex.building,
            loading: check.vectorIndex.loading,
            vectors: check.vectorIndex.vectors,
            memory_bytes: check.vectorIndex.memoryBytes,
            mapped_bytes: check.vectorIndex.mappedBytes,
            file_bytes: check.vectorIndex.fileBytes,
          },
        }
      : {}),
    ollama_status: ollamaUp ? 'running' : 'not_running',
    ollama_models_count: servers.ollama.models.length,
    ...(!ollamaUp ? { ollama_warning: servers.llm.message } : {}),
    llm_provider: check.configuredProvider === 'auto' && servers.provider === 'ollama' && !ollamaUp ? 'extractive' : servers.provider,
    llm_server: servers.llm,
    embedding_server: servers.embedding,
    models_in_use: servers.modelsInUse,
    active_generations: check.activeGenerations,
    connections,
  };
}

/** What an unauthenticated caller learns in token mode: up or not, nothing about models or load. */
const HealthStatusOnly = z.object({ status: z.enum(['ok', 'degraded']) });
const LivenessStatusOnly = z.object({ status: z.literal('healthy') });

export interface HealthRoutesOptions {
  health: HealthService;
  /** The realtime connections (the gateway's registry): only their count is reported. */
  connections: { readonly size: number };
  /** Whether this request may see the details (it carries the API token, or none is configured). */
  showDetails: (request: FastifyRequest) => boolean;
  readiness: Pick<Readiness, 'state'>;
}

/** A readiness probe answers within this (probes time out after ~1 s by default). */
const READY_CHECK_WAIT_MS = 800;

const ReadyReport = z.object({
  status: z.enum(['ready', 'starting', 'draining', 'unavailable']),
  detail: z.string().optional(),
});

/**
 * `/health` (liveness, as the original) and `/api/health` (what works and what does not). In token
 * mode a caller without the token gets only `{status}`: versions, model names and connection counts
 * help an attacker and no monitor needs them.
 */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { health, connections, showDetails, readiness }) => {
  // Liveness: the process runs and its event loop answers. Nothing else, so a slow database or a
  // model server that is down never gets a live process restarted.
  app.get('/api/health/live', {
    schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('alive') }) } },
    handler: async () => ({ status: 'alive' as const }),
  });

  // Readiness: send this process traffic? 503 while starting, while draining, or when the store
  // cannot be reached (a model server that is down is not a reason: answers fall back to extractive).
  app.get('/api/health/ready', {
    schema: { tags: ['health'], response: { 200: ReadyReport, 503: ReadyReport } },
    handler: async (_request, reply) => {
      const state = readiness.state;
      if (state !== 'ready') return reply.code(503).send({ status: state });
      const databaseError = await health.checkDatabaseWithin(READY_CHECK_WAIT_MS);
      if (databaseError === 'checking')
        return reply.code(503).send({ status: 'starting' as const, detail: 'The database file is being checked' });
      if (databaseError) return reply.code(503).send({ status: 'unavailable' as const, detail: databaseError });
      return { status: 'ready' as const };
    },
  });

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
      const report = healthReport(await health.check(), connections.size);
      return showDetails(request) ? report : { status: report.status };
    },
  });
};
