import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';
import { setupPrimary as setupClusterAdapterPrimary } from '@socket.io/cluster-adapter';
import type { Config } from '../config.ts';
import { acquireDataDirLock } from '../data-dir-lock.ts';
import type { Logger } from '../logger.ts';
import { type ClusterRole, clusterRoleEnv } from './cluster-role.ts';
import { PrimaryBroker } from './primary-broker.ts';
import { setupStickyPrimary } from './sticky-primary.ts';

/** A worker tells the primary it is ready to serve (after createDomain and the gateway). */
export const WORKER_READY = { daa: 1, op: 'ready' } as const;

/**
 * `--workers N`: the primary owns the port and the data-dir lock and nothing heavy (no database).
 * Sticky sessions hand each connection to one worker by its engine.io `sid`, so long-polling works;
 * the cluster adapter and the broker relay between workers. Slot 1 runs the ingestion job loop. A
 * worker that dies is replaced in its slot (its answers are swept as interrupted by the others);
 * SIGTERM / SIGINT drain every worker, then the primary exits.
 */
export async function runClusterPrimary(config: Config, workers: number, logger: Logger): Promise<void> {
  const lock = acquireDataDirLock({
    dataDir: config.DATA_DIR,
    owner: 'server',
    sharedBy: config.REDIS_URL ? config.REDIS_PREFIX : undefined,
  });
  // Plain TCP: the primary never parses HTTP; sticky hands every connection to a worker.
  const httpServer = net.createServer({ pauseOnConnect: true });
  const sticky = setupStickyPrimary(httpServer);
  if (!config.REDIS_URL) setupClusterAdapterPrimary();
  cluster.setupPrimary({ serialization: 'advanced' });
  const broker = new PrimaryBroker();
  const slots = new Map<Worker, number>();
  let stopping = false;

  const fork = (slot: number, firstStart: boolean): Promise<void> => {
    const role: ClusterRole = {
      DAA_CLUSTER_PRIMARY_PID: process.pid,
      DAA_CLUSTER_SLOT: slot,
      DAA_CLUSTER_RUNS_JOBS: slot === 1,
      DAA_CLUSTER_FIRST_START: firstStart,
    };
    const worker = cluster.fork(clusterRoleEnv(role));
    slots.set(worker, slot);
    broker.attach(worker);
    sticky.workerStarting();
    return new Promise<void>((resolve) => {
      worker.on('message', (message: unknown) => {
        if ((message as { op?: string } | undefined)?.op === WORKER_READY.op) resolve();
      });
      worker.once('exit', () => resolve());
    }).finally(() => sticky.workerSettled());
  };

  cluster.on('exit', (worker, code, signal) => {
    const slot = slots.get(worker);
    slots.delete(worker);
    broker.detach(worker);
    if (stopping || slot === undefined) return;
    logger.error({ slot, pid: worker.process.pid, code, signal }, 'a worker died; starting a new one in its place');
    void fork(slot, false);
  });

  // The first start removes leftovers of the last run; every worker waits for the data dir to be ready.
  await fork(1, true);
  await Promise.all(Array.from({ length: workers - 1 }, (_, index) => fork(index + 2, false)));
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  lock.setUrl(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`);
  logger.info({ url: `http://${host}:${port}`, workers }, `DAA Chatbot listening on http://${host}:${port} with ${workers} workers`);

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining every worker');
    httpServer.close();
    const running = [...slots.keys()];
    let left = running.length;
    const done = () => {
      lock.release();
      process.exit(0);
    };
    if (left === 0) done();
    for (const worker of running) {
      worker.once('exit', () => {
        left -= 1;
        if (left === 0) done();
      });
      worker.process.kill('SIGTERM');
    }
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
