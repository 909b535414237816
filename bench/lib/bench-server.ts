import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../src/server/app-server.ts';
import { loadConfig } from '../../src/server/config.ts';

/**
 * The real server in this process on an ephemeral port with a fresh data dir, quiet logs and no web
 * app; `close()` stops it and removes the data dir.
 */
export async function startBenchServer(name: string, overrides: Record<string, string>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `daa-bench-${name}-`));
  const config = loadConfig({}, {
    HOST: '127.0.0.1',
    PORT: 0,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SERVE_WEB: 'false',
    ...overrides,
  } as never);
  const server = await startServer(config);
  const closeServer = server.close;
  return Object.assign(server, {
    config,
    async close() {
      await closeServer();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
