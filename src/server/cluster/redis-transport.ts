import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { type ClusterTransport, newInstanceId } from './cluster-transport.ts';

// Compare-and-delete / compare-and-extend: a lease is only touched by the instance that holds it.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * The transport over Redis: pub/sub on a dedicated subscriber connection, leases as `SET NX PX`,
 * logs as lists (`RPUSH` keeps the order of one connection's pipeline; `LRANGE` reads from an index).
 * Every key and channel carries `prefix` so deployments (and test runs) never see each other.
 */
export class RedisTransport implements ClusterTransport {
  readonly instanceId = newInstanceId();
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<(message: unknown) => void>>();

  constructor(
    url: string,
    private readonly prefix: string,
    logger: Logger,
  ) {
    this.commands = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null });
    this.subscriber = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null });
    for (const connection of [this.commands, this.subscriber]) {
      connection.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
    }
    this.subscriber.on('message', (channel: string, text: string) => {
      const handlers = this.handlers.get(channel);
      if (!handlers) return;
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        return;
      }
      for (const handler of [...handlers]) handler(message);
    });
  }

  publish(topic: string, message: unknown): void {
    void this.commands.publish(this.prefix + topic, JSON.stringify(message)).catch(() => undefined);
  }

  subscribe(topic: string, handler: (message: unknown) => void): () => void {
    const channel = this.prefix + topic;
    let handlers = this.handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(channel, handlers);
      void this.subscriber.subscribe(channel).catch(() => undefined);
    }
    handlers.add(handler);
    return () => {
      const current = this.handlers.get(channel);
      if (!current?.delete(handler) || current.size > 0) return;
      this.handlers.delete(channel);
      void this.subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  async tryAcquire(key: string, ttlMs: number): Promise<boolean> {
    return (await this.commands.set(this.prefix + key, this.instanceId, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async renew(key: string, ttlMs: number): Promise<boolean> {
    return (await this.commands.eval(RENEW, 1, this.prefix + key, this.instanceId, String(ttlMs))) === 1;
  }

  async release(key: string): Promise<void> {
    await this.commands.eval(RELEASE, 1, this.prefix + key, this.instanceId);
  }

  async holder(key: string): Promise<string | undefined> {
    return (await this.commands.get(this.prefix + key)) ?? undefined;
  }

  resetLog(key: string, first: unknown, ttlMs: number): void {
    const listKey = this.prefix + key;
    void this.commands
      .multi()
      .del(listKey)
      .rpush(listKey, JSON.stringify(first))
      .pexpire(listKey, ttlMs)
      .exec()
      .catch(() => undefined);
  }

  appendLog(key: string, entry: unknown): void {
    void this.commands.rpush(this.prefix + key, JSON.stringify(entry)).catch(() => undefined);
  }

  async readLog(key: string, from: number): Promise<unknown[]> {
    const items = await this.commands.lrange(this.prefix + key, from, -1);
    return items.map((item) => JSON.parse(item) as unknown);
  }

  expireLog(key: string, ttlMs: number): void {
    void this.commands.pexpire(this.prefix + key, ttlMs).catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.commands.quit(), this.subscriber.quit()]);
  }
}
