import type { IncomingHttpHeaders } from 'node:http';
import { cookieMayCarryCredentials, cookieValues, type PresentedCredentials } from './session-cookie.ts';

/**
 * The web app's sign-in session with accounts on: the same opaque token the login returns, in an
 * httpOnly cookie (page scripts never read it). SameSite=Lax, so links opened from elsewhere land
 * signed in; the CSRF rules of session-cookie.ts still apply before it counts (Sec-Fetch-Site
 * same-origin, an Origin on every state change, no JSONP), so a foreign page cannot act with it.
 * Revocation is server-side: the token's hash is deleted, and the cookie stops working at once.
 */
export const ACCOUNT_COOKIE_NAME = 'daa_account';

/** The cookie's token if the request may authenticate with it, else undefined. */
export function accountCookieToken(credentials: PresentedCredentials): string | undefined {
  if (!cookieMayCarryCredentials(credentials)) return undefined;
  return cookieValues(credentials.headers.cookie, ACCOUNT_COOKIE_NAME)[0];
}

export function issueAccountCookie(token: string, { maxAgeSeconds, secure }: { maxAgeSeconds: number; secure: boolean }): string {
  return serialize(token, Math.max(0, Math.floor(maxAgeSeconds)), secure);
}

export function clearAccountCookie({ secure }: { secure: boolean }): string {
  return serialize('', 0, secure);
}

export function hasAccountCookie(headers: IncomingHttpHeaders): boolean {
  return cookieValues(headers.cookie, ACCOUNT_COOKIE_NAME).length > 0;
}

function serialize(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${ACCOUNT_COOKIE_NAME}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
