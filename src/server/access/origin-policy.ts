import net from 'node:net';

/**
 * Which browser origins may talk to the server. Requests without an `Origin` (curl, SDKs, the CLI)
 * are allowed: origin checks protect browsers, not the API. A browser page is allowed when its
 * origin is in the allow-list (exact match, no suffix tricks), or when it is the server's own origin
 * reached through a loopback name or an IP literal. A same-origin request through any other host
 * name is refused, which stops DNS-rebinding pages (`evil.example` resolving to 127.0.0.1).
 */
export function createOriginPolicy(allowedOrigins: string[]) {
  const allowed = new Set(allowedOrigins.map(normalise));

  return function isOriginAllowed(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined || origin === '') return true;
    const normalised = normalise(origin);
    if (allowed.has(normalised)) return true;
    if (!host) return false;
    let url: URL;
    try {
      url = new URL(normalised);
    } catch {
      return false;
    }
    if (url.host !== host.toLowerCase()) return false;
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    return hostname === 'localhost' || net.isIP(hostname) !== 0;
  };
}

function normalise(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}
