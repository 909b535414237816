import { describe, expect, it } from 'vitest';
import { createHostPolicy, parseHostName } from '../../../src/server/access/host-policy.ts';
import { createRequestAccessPolicy } from '../../../src/server/access/request-access.ts';

describe('host policy', () => {
  it.each([
    ['localhost:8000', true],
    ['LOCALHOST', true],
    ['127.0.0.1:8000', true],
    ['127.8.9.10', true],
    ['[::1]:8000', true],
    ['[0:0:0:0:0:0:0:1]', true],
    ['[::ffff:127.0.0.1]', true],
    ['2130706433:8000', true], // 127.0.0.1 spelled as one number; URL parsing normalises it as browsers do
    ['chat.lan:8000', true],
    ['CHAT.LAN', true],
    ['evil.example:8000', false],
    ['localhost.evil.example', false],
    ['evil.localhost.example', false],
    ['localhost.', false],
    ['192.168.1.5:8000', false],
    ['user@localhost', false],
    ['localhost/x', false],
    ['', false],
    [undefined, true],
  ])('bound to 127.0.0.1 with ALLOWED_HOSTS=chat.lan: Host %s → %s', (host, expected) => {
    const isHostAllowed = createHostPolicy({ boundHost: '127.0.0.1', allowedHosts: ['chat.lan'], listInterfaceAddresses: () => [] });
    expect(isHostAllowed(host)).toBe(expected);
  });

  it('allows the bound address, and the machine’s own addresses only when bound to a wildcard', () => {
    const machine = () => ['192.168.1.5', 'fe80::1'];
    expect(createHostPolicy({ boundHost: '192.168.1.5', allowedHosts: [], listInterfaceAddresses: machine })('192.168.1.5:8000')).toBe(
      true,
    );
    expect(createHostPolicy({ boundHost: '192.168.1.5', allowedHosts: [], listInterfaceAddresses: machine })('10.0.0.2')).toBe(false);
    expect(createHostPolicy({ boundHost: '127.0.0.1', allowedHosts: [], listInterfaceAddresses: machine })('192.168.1.5')).toBe(false);
    for (const wildcard of ['0.0.0.0', '::']) {
      const isHostAllowed = createHostPolicy({ boundHost: wildcard, allowedHosts: [], listInterfaceAddresses: machine });
      expect(isHostAllowed('192.168.1.5:8000')).toBe(true);
      expect(isHostAllowed('[fe80::1]:8000')).toBe(true);
      expect(isHostAllowed('10.0.0.2:8000')).toBe(false);
      expect(isHostAllowed('rebind.evil:8000')).toBe(false);
    }
  });

  it('re-reads the machine’s addresses on a miss (a new network needs no restart)', () => {
    let addresses = ['192.168.1.5'];
    let reads = 0;
    const isHostAllowed = createHostPolicy({
      boundHost: '0.0.0.0',
      allowedHosts: [],
      listInterfaceAddresses: () => {
        reads += 1;
        return addresses;
      },
    });
    expect(isHostAllowed('192.168.1.5')).toBe(true);
    addresses = ['10.1.1.1'];
    // Within the refresh interval a miss does not re-read (a flood of foreign hosts costs nothing).
    expect(isHostAllowed('10.1.1.1')).toBe(false);
    expect(isHostAllowed('10.1.1.2')).toBe(false);
    expect(reads).toBe(1);
  });

  it('parses ALLOWED_HOSTS entries like Host headers', () => {
    expect(parseHostName('Chat.Lan:8000')).toBe('chat.lan');
    expect(parseHostName('[::1]')).toBe('::1');
    expect(parseHostName('a b')).toBeUndefined();
    expect(parseHostName('http://x')).toBeUndefined();
  });
});

describe('request access: host, then origin', () => {
  const checkRequest = createRequestAccessPolicy({
    boundHost: '127.0.0.1',
    allowedHosts: ['chat.lan'],
    allowedOrigins: ['https://app.example.com'],
    listInterfaceAddresses: () => [],
  });
  it.each([
    [{ host: '127.0.0.1:8000' }, 'allowed'],
    [{ host: '127.0.0.1:8000', origin: 'http://127.0.0.1:8000' }, 'allowed'],
    [{ host: 'chat.lan:8000', origin: 'http://chat.lan:8000' }, 'allowed'],
    [{ host: '127.0.0.1:8000', origin: 'https://app.example.com' }, 'allowed'],
    // DNS rebinding: same-origin in the browser's eyes, a foreign name in ours.
    [{ host: 'rebind.evil:8000', origin: 'http://rebind.evil:8000' }, 'host'],
    [{ host: 'rebind.evil:8000' }, 'host'],
    [{ host: '127.0.0.1:8000', origin: 'https://evil.example' }, 'origin'],
  ])('%o → %s', (headers, expected) => {
    const decision = checkRequest(headers);
    expect(decision.allowed ? 'allowed' : decision.reason).toBe(expected);
  });
});

describe('ALLOWED_HOSTS configuration', () => {
  it('is parsed into bare lower-case names, and a malformed entry stops the start', async () => {
    const { loadConfig } = await import('../../../src/server/config.ts');
    expect(loadConfig({ ALLOWED_HOSTS: 'Chat.Lan:8000, 192.168.1.20,[::1]' }).allowedHosts).toEqual(['chat.lan', '192.168.1.20', '::1']);
    expect(loadConfig({}).allowedHosts).toEqual([]);
    expect(() => loadConfig({ ALLOWED_HOSTS: 'chat.lan,http://x/y' })).toThrow(/ALLOWED_HOSTS/);
  });
});
