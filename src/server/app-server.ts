import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { ChatService } from './chat/chat-service.ts';
import { GenerationRegistry } from './chat/generation-registry.ts';
import type { Config } from './config.ts';
import { DomainEvents } from './events/domain-events.ts';
import { buildHttpApp } from './http/http-app.ts';
import { VERSION } from './http/routes/health.ts';
import { llmRoutes } from './http/routes/llm.ts';
import { modelRoutes } from './http/routes/models.ts';
import { settingsRoutes } from './http/routes/settings.ts';
import { createChatModelResolver } from './llm/chat-model-resolver.ts';
import { OllamaClient } from './llm/ollama/ollama-client.ts';
import { OllamaStatusProbe } from './llm/ollama/ollama-status.ts';
import { ModelInventory } from './models/model-inventory.ts';
import { ModelPullManager } from './models/model-pull-manager.ts';
import { reportModelServers } from './models/model-server-status.ts';
import { createRealtimeGateway } from './realtime/gateway.ts';
import { documentRoutes } from './http/routes/documents.ts';
import { retrievalTesterRoutes } from './http/routes/retrieval-tester.ts';
import { DocumentFiles } from './ingest/document-files.ts';
import { DocumentProgress } from './ingest/document-progress.ts';
import { DocumentService } from './ingest/document-service.ts';
import { EmbeddingBackfill } from './ingest/embedding-backfill.ts';
import type { IngestContext } from './ingest/ingest-context.ts';
import { IngestJobRunner } from './ingest/job-runner.ts';
import { createParserPool } from './ingest/parser-pool.ts';
import { createEmbedderResolver } from './llm/embedder-resolver.ts';
import { HybridRetriever } from './search/hybrid-retriever.ts';
import type { Retriever } from './search/retriever.ts';
import { SettingsService } from './settings/settings-service.ts';
import { createSqliteStore } from './store/sqlite/sqlite-store.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Logger options: JSON lines; credentials are redacted wherever a library logs headers. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    // Secrets never reach the log; message and document text is never logged in the first place.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        '*.headers.authorization',
        '*.headers.cookie',
        '*.apiKey',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
}

export function createLogger(config: Config): Logger {
  return pino(loggerOptions(config.LOG_LEVEL));
}

/**
 * The composition root: config → store → services → HTTP + realtime, on one port. Returns a handle
 * whose `close()` drains running answers (saved as interrupted) and closes everything it opened.
 */
export async function startServer(
  config: Config,
  /** `retriever` replaces the document retriever (tests record what each answer asked of it). */
  options: { logger?: Logger; retriever?: Retriever } = {},
) {
  const logger = options.logger ?? createLogger(config);
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  const store = createSqliteStore({ filePath: config.databasePath });
  const interrupted = await store.messages.interruptStreaming();
  if (interrupted > 0) logger.warn({ interrupted }, 'answers cut short by the last shutdown were marked interrupted');

  const events = new DomainEvents();
  const ollamaStatus = new OllamaStatusProbe(config.OLLAMA_HOST);
  const ollama = new OllamaClient({ baseURL: config.OLLAMA_HOST });
  const inventory = new ModelInventory({ client: ollama });
  // A new default embedding model starts building the new index versions at once (not at the next scan).
  let onSettingsChange: (keys: string[]) => void = () => {};
  const settings = new SettingsService({ config, store, models: inventory, onChange: (keys) => onSettingsChange(keys) });
  const refreshModelLists = () => {
    inventory.invalidate();
    void ollamaStatus.check({ fresh: true });
  };
  const pulls = new ModelPullManager({ client: ollama, events, logger, onSuccess: refreshModelLists });
  const models = createChatModelResolver({ config, ollamaStatus });
  const generations = new GenerationRegistry({
    graceMs: config.GENERATION_GRACE_SECONDS * 1000,
    retainMs: config.GENERATION_RETAIN_SECONDS * 1000,
  });
  // Documents: files on disk, a durable job queue feeding the parser pool, background embedding.
  const files = new DocumentFiles(config.uploadDir, config.DATA_DIR);
  await files.init();
  const embedders = createEmbedderResolver({ config });
  const hybridRetriever = new HybridRetriever({ store, embedders, logger });
  const retriever = options.retriever ?? hybridRetriever;
  const progress = new DocumentProgress({ store, events });
  const parserPool = createParserPool({
    size: config.INGEST_WORKERS,
    timeoutMs: config.PARSE_TIMEOUT_SECONDS * 1000,
    maxMemoryMb: config.PARSE_MAX_MEMORY_MB,
    maxProcessRssMb: config.PARSE_MAX_RSS_MB,
    maxDecodedBytes: config.PARSE_MAX_DECODED_MB * 1024 * 1024,
  });
  const ingestContext: IngestContext = {
    store,
    settings,
    events,
    files,
    parserPool,
    embedders,
    progress,
    logger,
    embedBatchSize: config.EMBED_BATCH_SIZE,
  };
  const ingestRunner = new IngestJobRunner(ingestContext, {
    concurrency: config.INGEST_WORKERS,
    maxAttempts: config.INGEST_MAX_ATTEMPTS,
    retryBaseSeconds: config.INGEST_RETRY_BASE_SECONDS,
  });
  const embeddingBackfill = new EmbeddingBackfill(ingestContext, ingestRunner, config.EMBED_BACKFILL_INTERVAL_SECONDS * 1000);
  onSettingsChange = (keys) => {
    if (keys.includes('default_embedding_model')) void embeddingBackfill.check();
  };
  const documents = new DocumentService({ store, files, events, runner: ingestRunner, progress });
  // A changed embedding model (project settings) starts building the new index version at once.
  events.on('project-update', (update) => {
    if (update.type === 'project_updated' && !('embedding_index_id' in update.data)) void embeddingBackfill.check({ projectId: update.projectId });
  });

  const chats = new ChatService({ store, settings, retriever, models, generations, events, logger });

  let gateway: ReturnType<typeof createRealtimeGateway> | undefined;
  const app = await buildHttpApp({
    config,
    logger,
    store,
    chats,
    events,
    webRoot: path.join(repositoryRoot, 'dist', 'web'),
    validateProjectSettings: (next, current) => settings.validateProjectOverrides(next, current),
    onProjectPurged: (projectId) => documents.purgeProject(projectId),
    plugins: [
      async (app) => {
        await app.register(settingsRoutes, { settings });
        await app.register(modelRoutes, { client: ollama, inventory, pulls, settings, onModelsChanged: refreshModelLists });
        await app.register(llmRoutes, { config, client: ollama, probe: ollamaStatus, settings, pulls });
      },
      async (app) => {
        await app.register(documentRoutes, {
          store,
          documents,
          files,
          maxUploadBytes: Math.round(config.MAX_UPLOAD_MB * 1024 * 1024),
          maxFiles: config.MAX_UPLOAD_FILES,
        });
        await app.register(retrievalTesterRoutes, { store, retriever: hybridRetriever });
      },
    ],
    health: async () => {
      let databaseError: string | undefined;
      try {
        await store.ping();
      } catch (error) {
        databaseError = error instanceof Error ? error.message : 'unavailable';
      }
      const servers = await reportModelServers({ config, probe: ollamaStatus, settings });
      const ollamaUp = servers.ollama.reachable;
      return {
        status: databaseError || (config.LLM_PROVIDER === 'ollama' && !ollamaUp) ? 'degraded' : 'ok',
        version: VERSION,
        database_status: databaseError ? 'error' : 'connected',
        ...(databaseError ? { database_error: 'The database cannot be reached' } : {}),
        ollama_status: ollamaUp ? 'running' : 'not_running',
        ollama_models_count: servers.ollama.models.length,
        ...(!ollamaUp ? { ollama_warning: servers.llm.message } : {}),
        llm_provider:
          config.LLM_PROVIDER === 'auto' && servers.provider === 'ollama' && !ollamaUp ? 'extractive' : servers.provider,
        llm_server: servers.llm,
        embedding_server: servers.embedding,
        models_in_use: servers.modelsInUse,
        active_generations: generations.active().length,
        connections: gateway?.connections.size ?? 0,
      };
    },
  });
  await app.ready();
  gateway = createRealtimeGateway({ httpServer: app.server, config, store, chats, generations, events, logger });
  await app.listen({ host: config.HOST, port: config.PORT });
  await ingestRunner.start();
  embeddingBackfill.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    app,
    gateway,
    store,
    chats,
    settings,
    pulls,
    generations,
    events,
    logger,
    documents,
    retriever,
    ingestRunner,
    embeddingBackfill,
    close(): Promise<void> {
      closing ??= (async () => {
        await Promise.all([generations.drain(5_000), pulls.close()]);
        embeddingBackfill.stop();
        await ingestRunner.close();
        await parserPool.close();
        // io.close() waits for every HTTP connection to end; a keep-alive connection that was busy
        // (an upload whose reply went out before its body was fully read) can hold it for long.
        // app.close() below force-closes what is left.
        await Promise.race([gateway?.close(), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
        await app.close();
        await store.close();
      })();
      return closing;
    },
  };
}

export type RunningServer = Awaited<ReturnType<typeof startServer>>;
