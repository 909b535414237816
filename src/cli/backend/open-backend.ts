import { loadConfig } from '../../server/config.ts';
import { readDataDirLock } from '../../server/data-dir-lock.ts';
import { CliError } from '../cli-error.ts';
import type { Backend } from './backend.ts';
import { RemoteBackend } from './remote-backend.ts';

export interface BackendChoice {
  /** `--url`; else DAA_URL. */
  url?: string;
  /** The command processes documents: without a server, it must run the job loop itself. */
  needsJobLoop: boolean;
  verbose: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Picks the backend: the server named by `--url` / DAA_URL; else the server whose lock is in DATA_DIR;
 * else DATA_DIR itself, opened through the domain core (as its owner for the command's run when
 * documents are to be processed).
 */
export async function openBackend(choice: BackendChoice): Promise<Backend> {
  const env = choice.env ?? process.env;
  const token = env.DAA_TOKEN || env.API_TOKEN || undefined;
  const url = choice.url || env.DAA_URL;
  if (url) return RemoteBackend.connect({ url, token });

  const config = loadConfig(env);
  const lock = readDataDirLock(config.DATA_DIR);
  if (lock?.url) {
    return RemoteBackend.connect({ url: lock.url, token }).catch((error: unknown) => {
      throw new CliError(
        `A server (pid ${lock.pid}) holds ${config.DATA_DIR} but does not answer at ${lock.url}; stop it, or pass --url`,
        undefined,
        { cause: error },
      );
    });
  }
  if (lock && choice.needsJobLoop) {
    throw new CliError(
      lock.owner === 'server'
        ? `A server (pid ${lock.pid}) is starting on ${config.DATA_DIR}; try again in a moment`
        : `Another daa command (pid ${lock.pid}) is processing documents in ${config.DATA_DIR}; wait for it to finish`,
    );
  }
  // Loaded only here: a command that talks to a server does not load the domain at all.
  const [{ default: pino }, { loggerOptions }, { LocalBackend }] = await Promise.all([
    import('pino'),
    import('../../server/app-server.ts'),
    import('./local-backend.ts'),
  ]);
  // Logs would mix with the command's output: silent unless asked for, and on stderr.
  const logger = pino(loggerOptions(choice.verbose ? 'info' : 'silent'), pino.destination(2));
  return LocalBackend.open(config, { owner: choice.needsJobLoop, logger });
}
