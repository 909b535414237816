import fs from 'node:fs';
import { parseOptions, ServeOptions } from '../command-options.ts';

/** `daa serve`: the same entry as `npm start` (src/server/main.ts → runServer). */
export async function serveCommand(raw: unknown): Promise<void> {
  const options = parseOptions(ServeOptions, raw);
  const webIndex = new URL('../../../dist/web/index.html', import.meta.url);
  if (process.env.SERVE_WEB !== 'false' && !fs.existsSync(webIndex)) {
    // npm start builds it first; daa serve starts at once.
    process.stderr.write('The web app is not built, so only the API is served; run npm run build:web (or npm start) for the web app.\n');
  }
  const { runServer } = await import('../../server/run-server.ts');
  // --workers N > 1: this process becomes the cluster primary (WORKERS in the environment does the same).
  await runServer({ host: options.host, port: options.port, ...(options.workers > 1 ? { workers: options.workers } : {}) });
}
