import crypto from 'node:crypto';

/** Constant-time check of a presented token against the configured one (none configured: open). */
export function isTokenValid(expected: string | undefined, presented: unknown): boolean {
  if (!expected) return true;
  if (typeof presented !== 'string') return false;
  const left = crypto.createHash('sha256').update(expected).digest();
  const right = crypto.createHash('sha256').update(presented).digest();
  return crypto.timingSafeEqual(left, right);
}

/** The token from `Authorization: Bearer <token>`. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim();
}

/** Whether a request carries the configured token (always, when none is configured). */
export function isRequestAuthorized(expected: string | undefined, headers: { authorization?: string }): boolean {
  return !expected || isTokenValid(expected, bearerToken(headers.authorization));
}
