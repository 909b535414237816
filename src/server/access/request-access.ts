import type { IncomingHttpHeaders } from 'node:http';
import { createHostPolicy } from './host-policy.ts';
import { createOriginPolicy } from './origin-policy.ts';

export type AccessDecision = { allowed: true } | { allowed: false; reason: 'host' | 'origin'; detail: string };

export interface RequestAccessOptions {
  /** `HOST`: the address the server listens on. */
  boundHost: string;
  /** `ALLOWED_HOSTS`, parsed. */
  allowedHosts: string[];
  /** `CORS_ORIGINS`, parsed. */
  allowedOrigins: string[];
  listInterfaceAddresses?: () => string[];
}

/**
 * The one access check for every request a browser can make: REST, static files, and every
 * Socket.IO request (handshake, polls, posts, upgrades). First the `Host` (stops DNS rebinding, which
 * sends no foreign `Origin`), then the `Origin` (stops foreign pages, whose form posts and uploads
 * need no CORS preflight).
 */
export function createRequestAccessPolicy(options: RequestAccessOptions) {
  const isHostAllowed = createHostPolicy(options);
  const isOriginAllowed = createOriginPolicy(options.allowedOrigins);

  return function checkRequest(headers: IncomingHttpHeaders): AccessDecision {
    if (!isHostAllowed(headers.host)) {
      return {
        allowed: false,
        reason: 'host',
        detail: 'This server does not answer to this host name; add it to ALLOWED_HOSTS to allow it',
      };
    }
    if (!isOriginAllowed(headers.origin, headers.host)) {
      return { allowed: false, reason: 'origin', detail: 'Origin not allowed' };
    }
    return { allowed: true };
  };
}

export type RequestAccessPolicy = ReturnType<typeof createRequestAccessPolicy>;
