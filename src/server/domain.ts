import fs from 'node:fs';
import type { Logger } from 'pino';
import { AbuseLimits } from './access/abuse-limits.ts';
import { AccessPolicy } from './access/access-policy.ts';
import { AnalyticsCompute } from './analytics/analytics-compute.ts';
import { AnalyticsService } from './analytics/analytics-service.ts';
import { ClusterMapProgress } from './analytics/progress/cluster-map-progress.ts';
import { LocalMapProgress } from './analytics/progress/map-progress.ts';
import { AccountService } from './accounts/account-service.ts';
import { MembershipService } from './accounts/membership-service.ts';
import { ChatService } from './chat/chat-service.ts';
import { ClusterGenerationRegistry } from './chat/cluster-generation-registry.ts';
import { GenerationRegistry } from './chat/generation-registry.ts';
import { sweepOrphanAnswers } from './chat/orphan-answers.ts';
import type { RunningAnswers } from './chat/running-answers.ts';
import type { ClusterTransport } from './cluster/cluster-transport.ts';
import { clusterRole } from './cluster/cluster-role.ts';
import { createClusterTransport } from './cluster/create-transport.ts';
import { InstancePresence } from './cluster/instance-presence.ts';
import { PrimaryMetrics } from './cluster/primary-metrics.ts';
import { INSTANCE_GONE_TOPIC } from './cluster/primary-protocol.ts';
import type { Config } from './config.ts';
import { DomainEvents } from './events/domain-events.ts';
import { HealthService } from './health/health-service.ts';
import { DocumentFiles } from './ingest/document-files.ts';
import { DocumentProgress } from './ingest/document-progress.ts';
import { DocumentService } from './ingest/document-service.ts';
import { EmbeddingBackfill } from './ingest/embedding-backfill.ts';
import type { IngestContext } from './ingest/ingest-context.ts';
import { IngestJobRunner } from './ingest/job-runner.ts';
import { ClusterJobSignals, type JobSignals } from './ingest/job-signals.ts';
import { createParserPool } from './ingest/parser-pool.ts';
import { createChatModelResolver } from './llm/chat-model-resolver.ts';
import { createEmbedderResolver } from './llm/embedder-resolver.ts';
import { OllamaClient } from './llm/ollama/ollama-client.ts';
import { OllamaStatusProbe } from './llm/ollama/ollama-status.ts';
import { ModelInventory } from './models/model-inventory.ts';
import { localModelPulls, ModelPullManager } from './models/model-pull-manager.ts';
import { ClusterModelPulls } from './models/cluster-model-pulls.ts';
import type { ModelPulls } from './models/model-pulls.ts';
import { ModelService } from './models/model-service.ts';
import { createPortabilityContext } from './portability/create-portability-context.ts';
import { ProjectArchiveService } from './portability/project-archive-service.ts';
import { ProjectService } from './projects/project-service.ts';
import { MaintenanceService } from './maintenance/maintenance-service.ts';
import { RelevanceBaselines } from './search/relevance-baseline.ts';
import { HybridRetriever } from './search/hybrid-retriever.ts';
import type { Retriever } from './search/retriever.ts';
import { SettingsService } from './settings/settings-service.ts';
import { openStore } from './store/open-store.ts';
import { metricsInstance, ServerMetrics } from './metrics/server-metrics.ts';

export interface DomainOptions {
  logger: Logger;
  /** The `instance` label of this process's metrics (default: host and pid). */
  metricsInstance?: string;
  /**
   * True for the one process that runs this data dir (the server): at start it marks answers left
   * streaming by a crash as interrupted, removes half-received uploads, and runs the ingestion job
   * loop and the embedding backfill. False (the default) for a second process or a command line that
   * opens the same data next to a running server: it must not cut that server's answers short or
   * delete its uploads in flight. Its queued jobs are run by the owning process.
   */
  ownsDataDir?: boolean;
  /**
   * With several processes (`--workers`, or `REDIS_URL`): what they share. Created from the config
   * when left out; `null` forces one-process mode.
   */
  transport?: ClusterTransport | null;
  /**
   * False for a restarted cluster worker: its siblings' half-received uploads are live, so only the
   * cluster's first start removes leftovers (default: true).
   */
  cleanLeftovers?: boolean;
  /** Replaces the retriever that answers use (tests record what each answer asked of it). */
  retriever?: Retriever;
}

/**
 * The domain core: config → store → services, with no transport. Every edge (HTTP, Socket.IO, a
 * command line) is built on what this returns; it never listens. Services talk to each other through
 * the typed domain events (`events`), not through callbacks set later.
 */
export async function createDomain(config: Config, options: DomainOptions) {
  const { logger } = options;
  const ownsDataDir = options.ownsDataDir ?? false;
  const cleanLeftovers = ownsDataDir && (options.cleanLeftovers ?? true);
  const transport = options.transport === undefined ? createClusterTransport(config, logger) : (options.transport ?? undefined);
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  const store = await openStore(config);
  // Several processes: only answers whose owner is gone are orphans (swept below, start and later).
  if (ownsDataDir && !transport) {
    const interrupted = await store.messages.interruptStreaming();
    if (interrupted > 0) logger.warn({ interrupted }, 'answers cut short by the last shutdown were marked interrupted');
  }

  const events = new DomainEvents();
  const access = new AccessPolicy({ store });
  const limits = AbuseLimits.fromConfig(config);
  const ollamaStatus = new OllamaStatusProbe(config.OLLAMA_HOST);
  const ollama = new OllamaClient({ baseURL: config.OLLAMA_HOST });
  const inventory = new ModelInventory({ client: ollama });
  const settings = new SettingsService({ config, store, models: inventory, events, access });
  const refreshModelLists = () => {
    inventory.invalidate();
    void ollamaStatus.check({ fresh: true });
  };
  const pulls = new ModelPullManager({ client: ollama, events, logger, onSuccess: refreshModelLists });
  // Several processes: a download started anywhere is joined, watched and cancelled from any of them.
  const sharedPulls: ModelPulls = transport
    ? new ClusterModelPulls(transport, pulls, { leaseMs: config.ANSWER_LEASE_SECONDS * 1000 })
    : localModelPulls(pulls);
  const models = new ModelService({ client: ollama, inventory, pulls: sharedPulls, settings, onModelsChanged: refreshModelLists, access });
  const chatModels = createChatModelResolver({ config, ollamaStatus });
  const generationOptions = { graceMs: config.GENERATION_GRACE_SECONDS * 1000, retainMs: config.GENERATION_RETAIN_SECONDS * 1000 };
  const generations: RunningAnswers & Pick<GenerationRegistry, 'get'> = transport
    ? new ClusterGenerationRegistry(transport, {
        ...generationOptions,
        leaseMs: config.ANSWER_LEASE_SECONDS * 1000,
        answerMaxMs: config.ANSWER_MAX_SECONDS * 1000,
      })
    : new GenerationRegistry(generationOptions);

  const metrics = new ServerMetrics({
    instance: options.metricsInstance ?? metricsInstance(undefined),
    events,
    runningAnswers: () => generations.active().length,
    ...(ownsDataDir ? { queueDepth: async () => (await store.documents.listUnfinished()).length } : {}),
  });
  // A `--workers` worker: the primary gathers every worker's metrics over IPC, with or without Redis.
  const machineMetrics = clusterRole() ? new PrimaryMetrics() : undefined;

  // Documents: files on disk, a durable job queue feeding the parser pool, background embedding.
  // Processes sharing the data dir through Redis: each names its temp folders after itself.
  const presence = transport && config.REDIS_URL ? new InstancePresence(transport, config.ANSWER_LEASE_SECONDS * 1000) : undefined;
  await presence?.start();
  const files = new DocumentFiles(config.uploadDir, config.DATA_DIR, presence);
  await files.init({ removeLeftoverUploads: cleanLeftovers });
  const embedders = createEmbedderResolver({ config });
  const search = new HybridRetriever({ store, embedders, logger });
  const retriever = options.retriever ?? search;
  const progress = new DocumentProgress({ store, events });
  const parserPool = createParserPool({
    size: config.INGEST_WORKERS,
    timeoutMs: config.PARSE_TIMEOUT_SECONDS * 1000,
    maxMemoryMb: config.PARSE_MAX_MEMORY_MB,
    maxProcessRssMb: config.PARSE_MAX_RSS_MB,
    maxDecodedBytes: config.PARSE_MAX_DECODED_MB * 1024 * 1024,
    logger,
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
  const jobSignals: JobSignals & { close?(): void } = transport ? new ClusterJobSignals(ingestRunner, transport) : ingestRunner;
  const embeddingBackfill = new EmbeddingBackfill(ingestContext, ingestRunner, config.EMBED_BACKFILL_INTERVAL_SECONDS * 1000);
  const documents = new DocumentService({ store, access, files, events, runner: jobSignals, progress });
  const projects = new ProjectService({
    store,
    access,
    events,
    settings,
    purge: (projectId) => documents.purgeProject(projectId),
  });
  const chats = new ChatService({
    store,
    access,
    settings,
    retriever,
    relevance: new RelevanceBaselines({ store }),
    models: chatModels,
    generations,
    events,
    logger,
    answerMaxMs: config.ANSWER_MAX_SECONDS * 1000,
    limits,
    metrics: metrics.answers,
  });
  const archives = new ProjectArchiveService({
    access,
    context: await createPortabilityContext({
      config,
      store,
      files,
      events,
      logger,
      settings,
      embedders,
      ingestRunner: jobSignals,
      ownsDataDir: cleanLeftovers,
      presence,
    }),
  });
  const analyticsCompute = new AnalyticsCompute({
    concurrency: config.ANALYTICS_WORKERS,
    timeoutMs: config.ANALYTICS_TIMEOUT_SECONDS * 1000,
    maxMemoryMb: config.ANALYTICS_MAX_MEMORY_MB,
  });
  const analytics = new AnalyticsService({
    store,
    access,
    compute: analyticsCompute,
    // Outlives the longest computation; a dead process's entries expire with it.
    progress: transport
      ? new ClusterMapProgress(transport, { ttlMs: (config.ANALYTICS_TIMEOUT_SECONDS + 300) * 1000 })
      : new LocalMapProgress(),
  });
  const maintenance = new MaintenanceService({ store, access, uploadDir: config.uploadDir, logger });
  const accounts = new AccountService({ store, access, events, sessionTtlMs: config.SESSION_TTL_HOURS * 3_600_000 });
  const members = new MembershipService({ store, access, events });
  if (ownsDataDir && config.AUTH_MODE === 'accounts' && config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    const admin = await accounts.bootstrapAdmin({ email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
    if (admin) logger.info({ userId: admin.id }, 'created the first administrator from ADMIN_EMAIL');
  }
  const health = new HealthService({ config, store, ollamaStatus, settings, generations });

  const unsubscribe: Array<() => void> = [];
  if (ownsDataDir) {
    // A new default embedding model (global or per project) starts building the new index versions
    // at once, not at the next periodic scan.
    unsubscribe.push(
      events.subscribe((event) => {
        if (event.type === 'settingsChanged' && event.keys.includes('default_embedding_model')) void embeddingBackfill.check();
        if (event.type === 'projectUpdated') void embeddingBackfill.check({ projectId: event.projectId });
      }),
    );
    await ingestRunner.start();
    embeddingBackfill.start();
  }
  if (transport) {
    // A process that died leaves answers `streaming`: each process ends those nobody holds any more,
    // at start, when the cluster primary reports a dead worker, and periodically (expired Redis leases).
    const sweep = () =>
      sweepOrphanAnswers({ store, transport, logger }).catch((error: unknown) => {
        logger.warn({ err: error }, 'sweep of orphaned answers failed');
        return 0;
      });
    await sweep();
    unsubscribe.push(transport.subscribe(INSTANCE_GONE_TOPIC, () => void sweep()));
    const sweeper = setInterval(() => void sweep(), config.ANSWER_LEASE_SECONDS * 1000);
    sweeper.unref();
    unsubscribe.push(() => clearInterval(sweeper));
  }

  let draining: Promise<void> | undefined;
  /** Ends the work in flight: running answers finish or are saved as interrupted, jobs go back to the queue. */
  function drain(): Promise<void> {
    draining ??= (async () => {
      for (const stop of unsubscribe) stop();
      await Promise.all([generations.drain(5_000), sharedPulls.close(), analyticsCompute.close()]);
      embeddingBackfill.stop();
      await ingestRunner.close();
      await parserPool.close();
    })();
    return draining;
  }

  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    ownsDataDir,
    events,
    access,
    projects,
    chats,
    documents,
    /** One-file project export / import. */
    archives,
    /** The embedding map, similarity heatmap, embedding statistics and chunk table. */
    analytics,
    /** Storage figures and repairs (`/api/maintenance/*`, administrators only). */
    maintenance,
    /** Users, sign-in sessions, API keys (AUTH_MODE=accounts). */
    accounts,
    /** Project memberships and roles. */
    members,
    /** Per-user and per-address counters (sign-in failures, messages, uploads). */
    limits,
    settings,
    models,
    health,
    /** Ingestion: the job loop and the background embedding of chunks without vectors. */
    ingestion: {
      runner: ingestRunner,
      embeddingBackfill,
      files,
      /** Starts the parse workers in the background (where this process runs the ingestion jobs). */
      warmParsers: () => {
        if (ownsDataDir) parserPool.warm();
      },
    },
    store,
    /** What answers retrieve with (the hybrid search unless a test replaced it). */
    retriever,
    /** The hybrid search itself, with scores and how it ran (the retrieval tester). */
    search,
    generations,
    /** What several processes share; undefined for one process. */
    transport,
    pulls,
    ollama,
    ollamaStatus,
    drain,
    /** Prometheus metrics of this process (`/metrics`). */
    metrics,
    /** What `/metrics` answers: every worker's series of this machine in a cluster (whatever the transport), else this process's. */
    async scrapeMetrics(): Promise<{ contentType: string; text: string }> {
      const contentType = metrics.registry.contentType;
      if (machineMetrics) {
        try {
          return { contentType, text: await machineMetrics.gather() };
        } catch (error) {
          logger.warn({ err: (error as Error).message }, 'cluster metrics not gathered; answering with this process only');
        }
      }
      return { contentType, text: await metrics.registry.metrics() };
    },
    /** Drains, then closes the store. The domain cannot be used afterwards. */
    close(): Promise<void> {
      closing ??= (async () => {
        await drain();
        jobSignals.close?.();
        metrics.close();
        machineMetrics?.close();
        await generations.close?.();
        await presence?.close();
        await transport?.close();
        await limits.close();
        await store.close();
      })();
      return closing;
    },
  };
}

export type Domain = Awaited<ReturnType<typeof createDomain>>;
