import crypto from 'node:crypto';

/** Prefixes make a leaked token recognisable (secret scanners) and tell a session from an API key. */
export const SESSION_TOKEN_PREFIX = 'daa_s_';
export const API_KEY_PREFIX = 'daa_k_';

/** A new opaque token: 32 random bytes, base64url, after its prefix. Only its hash is stored. */
export function newOpaqueToken(prefix: string): { token: string; tokenHash: string } {
  const token = `${prefix}${crypto.randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashOpaqueToken(token) };
}

/** sha256 (hex): tokens are long random strings, so a fast hash suffices and lookups stay exact. */
export function hashOpaqueToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Whether a presented value has the shape of one of our tokens (saves a database read for junk). */
export function looksLikeOpaqueToken(value: unknown): value is string {
  return typeof value === 'string' && /^daa_[sk]_[A-Za-z0-9_-]{43}$/.test(value);
}
