import { describe, expect, it } from 'vitest';
import { assertSafeExposure } from '../../src/server/access/exposure-check.ts';
import { loadConfig } from '../../src/server/config.ts';

describe('refusing to serve the network without authentication', () => {
  const config = (overrides: Record<string, string>) => loadConfig({}, { DATA_DIR: '/tmp/unused', ...overrides } as never);

  it('refuses a non-loopback HOST with AUTH_MODE=none and no API_TOKEN, saying how to turn auth on', () => {
    expect(() => assertSafeExposure(config({ HOST: '0.0.0.0' }))).toThrow(/AUTH_MODE=accounts.*API_TOKEN.*ALLOW_UNAUTHENTICATED=true/);
    expect(() => assertSafeExposure(config({ HOST: '192.168.1.20' }))).toThrow(/Refusing to listen on 192.168.1.20/);
  });

  it('allows loopback, accounts, a token, or an explicit opt-out', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(() => assertSafeExposure(config({ HOST: host }))).not.toThrow();
    expect(() => assertSafeExposure(config({ HOST: '0.0.0.0', AUTH_MODE: 'accounts' }))).not.toThrow();
    expect(() => assertSafeExposure(config({ HOST: '0.0.0.0', API_TOKEN: 'a-token-of-sixteen-chars' }))).not.toThrow();
    expect(() => assertSafeExposure(config({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED: 'true' }))).not.toThrow();
  });
});
