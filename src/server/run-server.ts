import { startServer } from './app-server.ts';
import { loadConfig } from './config.ts';

/**
 * `npm start` and `daa serve`: read the config (flags override HOST and PORT), start the server, and
 * shut down cleanly on SIGINT/SIGTERM (running answers are finished or saved as interrupted).
 */
export async function runServer(overrides: { host?: string; port?: string } = {}): Promise<void> {
  const config = loadConfig(process.env, {
    ...(overrides.host ? { HOST: overrides.host } : {}),
    ...(overrides.port ? { PORT: overrides.port } : {}),
  });
  const server = await startServer(config);
  keepServingOnStrayErrors(server.logger);
  server.logger.info(
    { url: server.url, dataDir: config.DATA_DIR, llmProvider: config.LLM_PROVIDER },
    `DAA Chatbot listening on ${server.url} (API docs at ${server.url}/docs)`,
  );

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
