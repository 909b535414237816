import type { Config } from '../config.ts';

/** Whether HOST is a loopback address or name (only this machine can connect). */
export function isLoopbackHost(host: string): boolean {
  const plain = host.replace(/^\[|\]$/g, '').toLowerCase();
  return plain === 'localhost' || plain === '::1' || plain.startsWith('127.');
}

/**
 * Refuses to serve the network with no authentication at all: a non-loopback HOST with AUTH_MODE=none
 * and no API_TOKEN would hand every document and chat to anyone who can reach the port.
 */
export function assertSafeExposure(config: Config): void {
  if (isLoopbackHost(config.HOST) || config.AUTH_MODE === 'accounts' || config.API_TOKEN || config.ALLOW_UNAUTHENTICATED) return;
  throw new Error(
    `Refusing to listen on ${config.HOST} without authentication: set AUTH_MODE=accounts (with ADMIN_EMAIL and ADMIN_PASSWORD), ` +
      'or API_TOKEN, or ALLOW_UNAUTHENTICATED=true if this network is trusted',
  );
}
