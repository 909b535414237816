import { createAdapter as createClusterAdapter } from '@socket.io/cluster-adapter';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

/**
 * How room broadcasts reach sockets of other processes: Socket.IO's Redis adapter when `REDIS_URL`
 * is set, its cluster adapter (IPC through the primary) for `--workers` without Redis, none for one
 * process. Broadcasts are emitted once, where the domain event happened; the adapter fans them out.
 */
export function createSocketAdapter(
  config: Config,
  options: { clusterWorker: boolean; logger: Logger },
): { adapter: ReturnType<typeof createClusterAdapter> | ReturnType<typeof createRedisAdapter>; close(): Promise<void> } | undefined {
  if (config.REDIS_URL) {
    const publisher = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    const subscriber = publisher.duplicate();
    for (const connection of [publisher, subscriber]) {
      connection.on('error', (error: Error) => options.logger.warn({ err: error.message }, 'redis adapter connection error'));
    }
    return {
      adapter: createRedisAdapter(publisher, subscriber, { key: `${config.REDIS_PREFIX}socket.io` }),
      async close() {
        await Promise.allSettled([publisher.quit(), subscriber.quit()]);
      },
    };
  }
  if (options.clusterWorker) return { adapter: createClusterAdapter(), async close() {} };
  return undefined;
}
