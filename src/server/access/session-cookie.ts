import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isTokenValid } from './api-token.ts';

/** The cookie the web app gets in exchange for the API token (`POST /api/session`). */
export const SESSION_COOKIE_NAME = 'daa_session';
/**
 * How long a session lasts. Cookies are not isolated by port: another program serving this host
 * name on another port, opened in the same browser, receives the cookie. It never holds the token
 * itself, only a signature that expires, so the exposure is bounded in time.
 */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

/** What a request or a socket handshake presents as credentials. */
export interface PresentedCredentials {
  /** An explicit token (REST `Authorization: Bearer`, socket `auth.token`); wins over the cookie. */
  token: unknown;
  method: string;
  headers: IncomingHttpHeaders;
  /** An engine.io JSONP poll (`?j=`): its answer is readable by a foreign page through a script tag. */
  jsonp?: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Sessions for the web app: the token is exchanged once for an httpOnly, SameSite=Strict cookie, so
 * no script in the page (nor one that got in) can read it, and plain links (downloads, the PDF
 * viewer, exports) authenticate by themselves. The cookie is stateless: an expiry time and an HMAC
 * keyed by the API token, so it survives restarts and dies when the token changes.
 */
export function createSessionAuth(apiToken: string | undefined) {
  const key = apiToken ? crypto.createHash('sha256').update(`daa-session-v1\0${apiToken}`).digest() : undefined;

  function sign(expiresAt: number): string {
    return crypto.createHmac('sha256', key!).update(String(expiresAt)).digest('base64url');
  }

  function isSessionValue(value: string, nowSeconds: number): boolean {
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!match || !key) return false;
    const expiresAt = Number(match[1]);
    if (expiresAt <= nowSeconds) return false;
    return crypto.timingSafeEqual(Buffer.from(match[2]!), Buffer.from(sign(expiresAt)));
  }

  /** Whether the request carries a valid session cookie (any of them: a sibling port may add its own). */
  function hasValidCookie(headers: IncomingHttpHeaders, now = Date.now()): boolean {
    const nowSeconds = Math.floor(now / 1000);
    return cookieValues(headers.cookie, SESSION_COOKIE_NAME).some((value) => isSessionValue(value, nowSeconds));
  }

  /**
   * CSRF: a cookie rides along on requests the page did not make, so it counts only when
   * 1. SameSite=Strict kept it from cross-site requests (another registrable domain never sends it);
   * 2. `Sec-Fetch-Site`, when the browser sends it, says same-origin (or `none`: typed, bookmarked):
   *    a page on another port of this host is "same-site" and would otherwise get the cookie sent;
   * 3. a state-changing method carries an `Origin`, which the origin policy has already checked.
   *    Browsers send `Origin` on every non-GET/HEAD fetch, XHR and form post, same-origin included,
   *    so a state change without one is not from our page: refusing it closes the gap of browsers
   *    without `Sec-Fetch-Site` (a sibling-port form post would name its own, refused, origin);
   * 4. it is not a JSONP poll: a sibling-port page could read that through a script tag, and
   *    socket.io-client never uses JSONP.
   * Non-browser clients send the token instead and are not affected.
   */
  function cookieMayAuthenticate(credentials: PresentedCredentials): boolean {
    return cookieMayCarryCredentials(credentials) && hasValidCookie(credentials.headers);
  }

  return {
    /** Open when no token is configured; else a valid explicit token, or a cookie under the CSRF rules. */
    authenticates(credentials: PresentedCredentials): boolean {
      if (!apiToken) return true;
      if (credentials.token !== undefined) return isTokenValid(apiToken, credentials.token);
      return cookieMayAuthenticate(credentials);
    },
    hasValidCookie,
    /** The `Set-Cookie` value of a new session. `secure` when the request came over HTTPS. */
    issueCookie({ secure, now = Date.now() }: { secure: boolean; now?: number }): string {
      if (!key) throw new Error('sessions need an API token');
      const expiresAt = Math.floor(now / 1000) + SESSION_MAX_AGE_SECONDS;
      return serialize(`${expiresAt}.${sign(expiresAt)}`, SESSION_MAX_AGE_SECONDS, secure);
    },
    /** The `Set-Cookie` value that removes the session from the browser. */
    clearCookie({ secure }: { secure: boolean }): string {
      return serialize('', 0, secure);
    },
  };
}

export type SessionAuth = ReturnType<typeof createSessionAuth>;

/** Rules 2–4 above (SameSite is the cookie's own): shared with the accounts cookie (account-cookie.ts). */
export function cookieMayCarryCredentials(credentials: PresentedCredentials): boolean {
  const fetchSite = headerValue(credentials.headers['sec-fetch-site']);
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') return false;
  if (!SAFE_METHODS.has(credentials.method.toUpperCase()) && !headerValue(credentials.headers.origin)) return false;
  return !credentials.jsonp;
}

function serialize(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE_NAME}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/**
 * Every value of one cookie in a `Cookie` header. Hand-written: only our own cookie is read, and its
 * value (digits, a dot, base64url) is checked strictly afterwards, so no decoding is needed.
 */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    if (pair.slice(0, separator).trim() === name) values.push(pair.slice(separator + 1).trim());
  }
  return values;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined || single === '' ? undefined : single.toLowerCase();
}
