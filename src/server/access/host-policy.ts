import net from 'node:net';
import os from 'node:os';

/**
 * The host part of a `Host` header (or an `ALLOWED_HOSTS` entry), normalised the way a browser
 * serialises it: lower case, IPv6 without brackets and in canonical form, no port. `undefined` when it
 * is not a bare `host[:port]` (user info, a path, garbage).
 */
export function parseHostName(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '' || /[\s/?#@\\]/.test(trimmed)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${trimmed}`);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
  return url.hostname.replace(/^\[|\]$/g, '');
}

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

function isLoopback(hostName: string): boolean {
  if (hostName === 'localhost') return true;
  const family = net.isIP(hostName);
  return family !== 0 && loopback.check(hostName, family === 4 ? 'ipv4' : 'ipv6');
}

function isWildcard(host: string): boolean {
  const name = parseHostName(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  return name === '0.0.0.0' || name === '::';
}

/** How long the list of this machine's addresses is trusted before a miss re-reads it. */
const INTERFACE_REFRESH_MS = 5_000;

function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((entry): entry is os.NetworkInterfaceInfo => entry !== undefined)
    .map((entry) => parseHostName(entry.family === 'IPv6' ? `[${entry.address.split('%')[0]}]` : entry.address))
    .filter((address): address is string => address !== undefined);
}

export interface HostPolicyOptions {
  /** The address the server listens on (`HOST`). */
  boundHost: string;
  /** More names the server may be reached by (`ALLOWED_HOSTS`), already parsed by `parseHostName`. */
  allowedHosts: string[];
  /** This machine's addresses; injectable for tests. */
  listInterfaceAddresses?: () => string[];
}

/**
 * Which `Host` headers the server answers. A DNS-rebinding page (`evil.example` re-resolved to
 * 127.0.0.1) reaches the server with `Host: evil.example`; the browser treats it as same-origin, so
 * neither CORS nor `Origin` stops it. Answering only names that cannot be rebound does: loopback
 * names, the bound address, and the names the operator lists. Bound to a wildcard (`0.0.0.0`, `::`),
 * the machine's own interface addresses count as bound addresses. The port is not compared: a
 * rebinding page cannot change the name, and proxies may change the port. A request without `Host`
 * (HTTP/1.0; every browser sends one) is not a browser's and passes.
 */
export function createHostPolicy(options: HostPolicyOptions): (hostHeader: string | undefined) => boolean {
  const listInterfaceAddresses = options.listInterfaceAddresses ?? interfaceAddresses;
  const wildcard = isWildcard(options.boundHost);
  const fixed = new Set(options.allowedHosts);
  if (!wildcard) {
    const bound = parseHostName(net.isIPv6(options.boundHost) ? `[${options.boundHost}]` : options.boundHost);
    if (bound) fixed.add(bound);
  }
  let machineAddresses = new Set<string>();
  let readAt = Number.NEGATIVE_INFINITY;
  const isMachineAddress = (hostName: string): boolean => {
    if (machineAddresses.has(hostName)) return true;
    // A new DHCP lease or network must not need a restart; a miss re-reads the list, at most every few seconds.
    if (Date.now() - readAt < INTERFACE_REFRESH_MS) return false;
    machineAddresses = new Set(listInterfaceAddresses());
    readAt = Date.now();
    return machineAddresses.has(hostName);
  };

  return function isHostAllowed(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined) return true;
    const hostName = parseHostName(hostHeader);
    if (hostName === undefined) return false;
    if (isLoopback(hostName) || fixed.has(hostName)) return true;
    return wildcard && isMachineAddress(hostName);
  };
}
