import type { Config } from '../config.ts';
import { BusyError } from '../errors.ts';

export interface ClientLimitSettings {
  maxAnswersPerConnection: number;
  maxAnswersPerAddress: number;
  maxConnectionsPerAddress: number;
  /** Count loopback clients per address too (off by default: local tools and benchmarks). */
  limitLoopback: boolean;
}

/**
 * Caps per client, one instance per server for both edges: running answers per socket connection
 * (always) and per client address (socket and HTTP answers together), open sockets per address. An
 * answer counts until it finishes, also after its socket left or its request hung up (it keeps
 * generating for the grace period), so reconnecting does not reset the address's count.
 */
export class ClientLimits {
  private readonly connectionsByAddress = new Map<string, number>();
  private readonly answersByAddress = new Map<string, number>();
  private readonly answersByConnection = new Map<string, number>();

  constructor(private readonly settings: ClientLimitSettings) {}

  /** Whether one more connection from `address` would pass the cap (checked at the handshake). */
  canConnect(address: string): boolean {
    if (!this.appliesTo(address)) return true;
    return (this.connectionsByAddress.get(address) ?? 0) < this.settings.maxConnectionsPerAddress;
  }

  /** Counts an open connection; returns its release, or throws BusyError past the cap. */
  openConnection(address: string): () => void {
    if (!this.canConnect(address)) {
      throw new BusyError(`Too many connections from this address (at most ${this.settings.maxConnectionsPerAddress}); close some first`);
    }
    if (!this.appliesTo(address)) return () => {};
    increment(this.connectionsByAddress, address);
    return once(() => decrement(this.connectionsByAddress, address));
  }

  /** Reserves a running answer for a socket connection; returns its release, or throws BusyError past a cap. */
  reserveAnswer(connectionId: string, address: string): () => void {
    return this.reserve(address, connectionId);
  }

  /** Reserves a running answer asked over HTTP (no connection of its own: the address cap only). */
  reserveAnswerForAddress(address: string): () => void {
    return this.reserve(address, undefined);
  }

  private reserve(address: string, connectionId: string | undefined): () => void {
    if (connectionId !== undefined && (this.answersByConnection.get(connectionId) ?? 0) >= this.settings.maxAnswersPerConnection) {
      throw new BusyError(
        `Too many answers at once on this connection (at most ${this.settings.maxAnswersPerConnection}); wait for one to finish`,
      );
    }
    const perAddress = this.appliesTo(address);
    if (perAddress && (this.answersByAddress.get(address) ?? 0) >= this.settings.maxAnswersPerAddress) {
      throw new BusyError(
        `Too many answers at once from this address (at most ${this.settings.maxAnswersPerAddress}); wait for one to finish`,
      );
    }
    if (connectionId !== undefined) increment(this.answersByConnection, connectionId);
    if (perAddress) increment(this.answersByAddress, address);
    return once(() => {
      if (connectionId !== undefined) decrement(this.answersByConnection, connectionId);
      if (perAddress) decrement(this.answersByAddress, address);
    });
  }

  private appliesTo(address: string): boolean {
    return this.settings.limitLoopback || !isLoopback(address);
  }
}

export function createClientLimits(config: Config): ClientLimits {
  return new ClientLimits({
    maxAnswersPerConnection: config.SOCKET_MAX_ANSWERS_PER_CONNECTION,
    maxAnswersPerAddress: config.SOCKET_MAX_ANSWERS_PER_ADDRESS,
    maxConnectionsPerAddress: config.SOCKET_MAX_CONNECTIONS_PER_ADDRESS,
    limitLoopback: config.SOCKET_LIMIT_LOOPBACK,
  });
}

export function isLoopback(address: string): boolean {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || plain.startsWith('127.');
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function decrement(counts: Map<string, number>, key: string): void {
  const next = (counts.get(key) ?? 0) - 1;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}

function once(release: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}
