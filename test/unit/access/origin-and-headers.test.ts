import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from '../../../src/server/access/origin-policy.ts';
import { contentDisposition } from '../../../src/server/http/content-disposition.ts';

describe('origin policy', () => {
  const allowed = createOriginPolicy(['https://app.example.com']);
  it.each([
    [undefined, 'localhost:8000', true],
    ['https://app.example.com', 'whatever:1', true],
    ['https://app.example.com/', 'whatever:1', true],
    ['https://app.example.com.evil.com', 'x', false],
    ['https://evil.app.example.com', 'x', false],
    ['http://127.0.0.1:8000', '127.0.0.1:8000', true],
    ['http://localhost:8000', 'localhost:8000', true],
    ['http://192.168.1.5:8000', '192.168.1.5:8000', true],
    ['http://[::1]:8000', '[::1]:8000', true],
    // Same-origin by any name: rebinding names are refused before, by the host policy (host-policy.test.ts).
    ['http://rebind.evil:8000', 'rebind.evil:8000', true],
    ['http://rebind.evil:8000', 'rebind.evil:8001', false],
    ['https://chat.lan', 'chat.lan', true],
    ['https://chat.lan', 'chat.lan:443', true],
    ['http://chat.lan', 'chat.lan:443', false],
    ['file://', '127.0.0.1:8000', false],
    ['http://127.0.0.1:8001', '127.0.0.1:8000', false],
    ['null', '127.0.0.1:8000', false],
  ])('origin %s with host %s → %s', (origin, host, expected) => {
    expect(allowed(origin, host)).toBe(expected);
  });
});

describe('content disposition', () => {
  it('quotes safely and keeps the exact UTF-8 name', () => {
    expect(contentDisposition('inline', 'report.pdf')).toBe(`inline; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    const header = contentDisposition('attachment', 'a"b\\c\r\nd日本.txt');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toContain('filename="a_b_cd__.txt"');
    expect(decodeURIComponent(header.split("UTF-8''")[1]!)).toBe('a"b\\cd日本.txt');
  });

  it('survives a lone surrogate (encodeURIComponent would throw URIError)', () => {
    const header = contentDisposition('attachment', 'x\ud83d.md');
    expect(decodeURIComponent(header.split("UTF-8''")[1]!)).toBe('x\ufffd.md');
  });
});
