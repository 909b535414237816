import fs from 'node:fs';
import { CliError } from '../cli-error.ts';
import { parseOptions, ServeOptions } from '../command-options.ts';
import { ExitCode } from '../exit-codes.ts';

/** `daa serve`: the same entry as `npm start` (src/server/main.ts → runServer). */
export async function serveCommand(raw: unknown): Promise<void> {
  const options = parseOptions(ServeOptions, raw);
  if (options.workers > 1) {
    throw new CliError(
      `--workers ${options.workers} is not supported yet: the server runs as one process until scale-out is built; leave --workers out (or use 1)`,
      ExitCode.usage,
    );
  }
  const webIndex = new URL('../../../dist/web/index.html', import.meta.url);
  if (process.env.SERVE_WEB !== 'false' && !fs.existsSync(webIndex)) {
    // npm start builds it first; daa serve starts at once.
    process.stderr.write('The web app is not built, so only the API is served; run npm run build:web (or npm start) for the web app.\n');
  }
  const { runServer } = await import('../../server/run-server.ts');
  await runServer({ host: options.host, port: options.port });
}
