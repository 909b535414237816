/**
 * Which browser origins may talk to the server. Requests without an `Origin` (curl, SDKs, the CLI,
 * and a browser's same-origin GET) are allowed: origin checks protect browsers, not the API. A page
 * is allowed when its origin is in the allow-list (exact match, no suffix tricks), or when it is the
 * server's own origin: its host (name and port) is the request's `Host`.
 *
 * Same-origin by name is only safe because the host policy (`host-policy.ts`) has already refused
 * names that could be rebound: `request-access.ts` runs it first, on every REST, static and
 * Socket.IO request, so `evil.example` resolving to 127.0.0.1 never gets this far.
 */
export function createOriginPolicy(allowedOrigins: string[]) {
  const allowed = new Set(allowedOrigins.map(normalise));

  return function isOriginAllowed(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined || origin === '') return true;
    const normalised = normalise(origin);
    if (allowed.has(normalised)) return true;
    if (!host) return false;
    let originUrl: URL;
    let hostUrl: URL;
    try {
      originUrl = new URL(normalised);
      hostUrl = new URL(`http://${host.trim()}`);
    } catch {
      return false;
    }
    if (originUrl.protocol !== 'http:' && originUrl.protocol !== 'https:') return false;
    // `Host` leaves out the scheme's default port, as the origin does.
    const defaultPort = originUrl.protocol === 'https:' ? '443' : '80';
    return originUrl.hostname === hostUrl.hostname && (originUrl.port || defaultPort) === (hostUrl.port || defaultPort);
  };
}

function normalise(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}
