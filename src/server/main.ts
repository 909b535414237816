import { parseArgs } from 'node:util';
import { runServer } from './run-server.ts';

/** `npm start` (`tsx src/server/main.ts [--host H] [--port P] [--workers N]`); `daa serve` calls the same runServer. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { host: { type: 'string' }, port: { type: 'string' }, workers: { type: 'string' } },
    strict: true,
  });
  await runServer({ host: values.host, port: values.port, ...(values.workers ? { workers: Number(values.workers) } : {}) });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
