import cluster from 'node:cluster';
import { createLogger, startServer } from './app-server.ts';
import { clusterRole } from './cluster/cluster-role.ts';
import { runClusterPrimary, WORKER_READY } from './cluster/cluster-primary.ts';
import { loadConfig } from './config.ts';

/**
 * `npm start` and `daa serve`: read the config (flags override HOST, PORT and WORKERS), start the
 * server, and shut down cleanly on SIGINT/SIGTERM (running answers are finished or saved as
 * interrupted). With more than one worker this process becomes the cluster primary, and each worker
 * it forks comes back through here as a worker.
 */
export async function runServer(overrides: { host?: string; port?: string; workers?: number } = {}): Promise<void> {
  const config = loadConfig(process.env, {
    ...(overrides.host ? { HOST: overrides.host } : {}),
    ...(overrides.port ? { PORT: overrides.port } : {}),
    ...(overrides.workers ? { WORKERS: overrides.workers } : {}),
  });
  const role = cluster.isWorker ? clusterRole() : undefined;
  if (!role && config.WORKERS > 1) {
    const logger = createLogger(config);
    keepServingOnStrayErrors(logger);
    await runClusterPrimary(config, config.WORKERS, logger);
    return;
  }
  const server = await startServer(config, role ? { clusterRole: role } : {});
  keepServingOnStrayErrors(server.logger);
  if (role) {
    process.send?.(WORKER_READY);
    server.logger.info({ slot: role.DAA_CLUSTER_SLOT, pid: process.pid }, 'worker ready');
  } else {
    server.logger.info(
      { url: server.url, dataDir: config.DATA_DIR, llmProvider: config.LLM_PROVIDER },
      `DAA Chatbot listening on ${server.url} (API docs at ${server.url}/docs)`,
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'shutting down: finishing or saving running answers');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // A worker whose primary is gone has nobody to serve: it drains and exits.
  if (role) process.on('disconnect', () => stop('primary gone'));
}

/**
 * The last resort: an exception or rejection that escaped every handler is logged, and the server
 * keeps serving its other clients. Each client input already has its own guard (the realtime
 * wrapper, the HTTP error handler); this only keeps one missed case from ending the process.
 */
function keepServingOnStrayErrors(logger: { error(object: unknown, message?: string): void }): void {
  process.on('uncaughtException', (error, origin) => {
    logger.error({ err: error, origin }, 'uncaught exception (kept serving)');
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (kept serving)');
  });
}
