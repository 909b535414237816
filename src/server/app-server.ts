import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { assertSafeExposure } from './access/exposure-check.ts';
import { redactUrlSecrets } from './access/url-redaction.ts';
import type { Config } from './config.ts';
import { setupWorker } from '@socket.io/sticky';
import type { ClusterRole } from './cluster/cluster-role.ts';
import { acquireDataDirLock, type HeldDataDirLock } from './data-dir-lock.ts';
import { AggregatorRegistry } from 'prom-client';
import { createDomain } from './domain.ts';
import { Readiness } from './health/readiness.ts';
import { metricsInstance } from './metrics/server-metrics.ts';
import { buildHttpApp } from './http/http-app.ts';
import { ConnectionRegistry } from './realtime/connection-registry.ts';
import { createRealtimeGateway } from './realtime/gateway.ts';
import { createSocketAdapter } from './realtime/socket-adapter.ts';
import type { Retriever } from './search/retriever.ts';
import { createClientLimits } from './limits/client-limits.ts';

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
        '*.password',
        '*.passwordHash',
        '*.access_token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      // Fastify's request summary, with credentials in the query string redacted (`?token=…`).
      req: (request: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
        method: request.method,
        url: request.url === undefined ? undefined : redactUrlSecrets(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  };
}

/** Fields a readable line leaves out: the message already says them (`GET /api/x 200 4 ms`), or they are noise on a terminal. */
const PRETTY_IGNORED = 'pid,hostname,reqId,req,res,responseTime';

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>, output: { isTTY?: boolean } = process.stdout): Logger {
  const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && output.isTTY === true);
  if (!pretty) return pino(loggerOptions(config.LOG_LEVEL));
  // pino-pretty in pino's transport worker thread: formatting never runs on the event loop. Redaction
  // and serializers apply before a line leaves this thread.
  const transport = pino.transport({
    target: 'pino-pretty',
    options: { colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: PRETTY_IGNORED, destination: 1 },
  });
  return pino(loggerOptions(config.LOG_LEVEL), transport);
}

/**
 * The composition root: createDomain (this process owns the data dir) → the HTTP app built from it →
 * the realtime gateway attached to it → listen, on one port. Returns a handle whose `close()` drains
 * running answers (saved as interrupted) and closes everything it opened.
 */
export async function startServer(
  config: Config,
  /**
   * `retriever` replaces the document retriever (tests record what each answer asked of it);
   * `webRoot` serves another built web app (tests use a small fixture).
   */
  options: {
    logger?: Logger;
    retriever?: Retriever;
    webRoot?: string;
    /** Set in a `--workers` worker: the primary listens and holds the data-dir lock; connections arrive over IPC. */
    clusterRole?: ClusterRole;
  } = {},
) {
  assertSafeExposure(config);
  const logger = options.logger ?? createLogger(config);
  if (options.clusterRole) {
    const role = options.clusterRole;
    return startOnLockedDataDir({
      config,
      logger,
      retriever: options.retriever,
      webRoot: options.webRoot,
      lock: undefined,
      clusterRole: role,
    });
  }
  // Taken before the domain's owner side effects (marking answers interrupted, clearing temp uploads),
  // which would harm another live server on the same data dir. The URL follows once we listen.
  // With Redis, several servers may share one data dir (and one SQLite file) on one machine.
  const lock = acquireDataDirLock({
    dataDir: config.DATA_DIR,
    owner: 'server',
    sharedBy: config.REDIS_URL ? config.REDIS_PREFIX : undefined,
  });
  try {
    return await startOnLockedDataDir({ config, logger, retriever: options.retriever, webRoot: options.webRoot, lock });
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startOnLockedDataDir({
  config,
  logger,
  retriever,
  webRoot,
  lock,
  clusterRole,
}: {
  config: Config;
  logger: Logger;
  retriever: Retriever | undefined;
  webRoot: string | undefined;
  lock: HeldDataDirLock | undefined;
  clusterRole?: ClusterRole;
}) {
  // In a cluster one worker (chosen by the primary) runs the job loop; the first start cleans leftovers.
  const domain = await createDomain(config, {
    logger,
    metricsInstance: metricsInstance(clusterRole?.DAA_CLUSTER_SLOT),
    retriever,
    ownsDataDir: clusterRole ? clusterRole.DAA_CLUSTER_RUNS_JOBS : true,
    cleanLeftovers: clusterRole ? clusterRole.DAA_CLUSTER_FIRST_START : true,
  });
  const connections = new ConnectionRegistry();
  // One set of per-client caps for both edges: an address's answers count over sockets and HTTP alike.
  const limits = createClientLimits(config);
  const readiness = new Readiness();
  domain.metrics.watchConnections(() => connections.size);
  // The primary's AggregatorRegistry asks each worker for these over IPC (prom-client). A worker
  // answers only once it has made an AggregatorRegistry itself: that installs prom-client's listener.
  if (clusterRole) {
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([domain.metrics.registry]);
  }
  const app = await buildHttpApp({
    readiness,
    config,
    logger,
    domain,
    connections,
    limits,
    webRoot: webRoot ?? path.join(repositoryRoot, 'dist', 'web'),
  });
  await app.ready();
  const socketAdapter = createSocketAdapter(config, { clusterWorker: clusterRole !== undefined, logger });
  const gateway = createRealtimeGateway({
    adapter: socketAdapter?.adapter,
    httpServer: app.server,
    config,
    store: domain.store,
    access: domain.access,
    chats: domain.chats,
    generations: domain.generations,
    events: domain.events,
    accounts: domain.accounts,
    logger,
    connections,
    limits,
  });
  let port = config.PORT;
  if (clusterRole) {
    // The primary owns the port; sticky hands each connection (by engine.io sid) to one worker.
    setupWorker(gateway.io as unknown as Parameters<typeof setupWorker>[0]);
  } else {
    await app.listen({ host: config.HOST, port: config.PORT });
    const address = app.server.address();
    port = typeof address === 'object' && address ? address.port : config.PORT;
  }
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  // A command line on this machine finds the server through the lock; a wildcard address is reached on loopback.
  lock?.setUrl(`http://${reachableHost(config.HOST)}:${port}`);
  readiness.ready();
  // After listening, so /health answers first; the workers load their modules on other threads.
  domain.ingestion.warmParsers();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    app,
    gateway,
    domain,
    store: domain.store,
    projects: domain.projects,
    chats: domain.chats,
    settings: domain.settings,
    models: domain.models,
    pulls: domain.pulls,
    generations: domain.generations,
    events: domain.events,
    logger,
    documents: domain.documents,
    retriever: domain.retriever,
    /** The hybrid search with its candidate lists and ranks (benchmarks, the retrieval tester). */
    search: domain.search,
    ingestRunner: domain.ingestion.runner,
    embeddingBackfill: domain.ingestion.embeddingBackfill,
    close(): Promise<void> {
      closing ??= (async () => {
        readiness.draining();
        await domain.drain();
        // io.close() waits for every HTTP connection to end; a keep-alive connection that was busy
        // (an upload whose reply went out before its body was fully read) can hold it for long.
        // app.close() below force-closes what is left.
        await Promise.race([gateway.close(), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
        await app.close();
        await socketAdapter?.close();
        await domain.close();
        lock?.release();
      })();
      return closing;
    },
  };
}

function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export type RunningServer = Awaited<ReturnType<typeof startServer>>;
