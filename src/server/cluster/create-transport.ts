import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ClusterTransport } from './cluster-transport.ts';
import { clusterRole } from './cluster-role.ts';
import { PrimaryTransport } from './primary-transport.ts';
import { RedisTransport } from './redis-transport.ts';

/**
 * Redis when `REDIS_URL` is set (any number of processes and machines), the cluster primary when
 * this is a `--workers` worker without Redis, and none for one process (everything stays local).
 */
export function createClusterTransport(config: Config, logger: Logger): ClusterTransport | undefined {
  if (config.REDIS_URL) return new RedisTransport(config.REDIS_URL, config.REDIS_PREFIX, logger);
  if (clusterRole()) return new PrimaryTransport();
  return undefined;
}
