import { describe, expect, it } from 'vitest';
import { DatabaseBusyError, LlmError } from '../../../src/server/errors.ts';
import { displayFilename } from '../../../src/server/ingest/display-filename.ts';
import { DocumentParseError } from '../../../src/server/ingest/parsed-document.ts';
import { isTransient, retryDelayMs } from '../../../src/server/ingest/retry-policy.ts';
import { isEmbedderUnavailable } from '../../../src/server/llm/embedder.ts';

describe('displayFilename', () => {
  it('keeps only the last path component, without control or bidi characters', () => {
    expect(displayFilename('../../etc/passwd')).toBe('passwd');
    expect(displayFilename('C:\\Users\\x\\report.pdf')).toBe('report.pdf');
    expect(displayFilename('evil\u202Etxt.exe')).toBe('eviltxt.exe');
    expect(displayFilename('a\u0000b\nc.txt')).toBe('abc.txt');
    expect(displayFilename('..')).toBe('document');
    expect(displayFilename(undefined)).toBe('document');
  });

  it('shortens long names to 255 UTF-8 bytes, keeping the extension', () => {
    const name = displayFilename(`${'日'.repeat(200)}.xlsx`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name.endsWith('.xlsx')).toBe(true);
  });
});

describe('retry policy', () => {
  it('backs off exponentially with jitter, capped', () => {
    expect(retryDelayMs(1, 2)).toBeGreaterThanOrEqual(1600);
    expect(retryDelayMs(1, 2)).toBeLessThanOrEqual(2400);
    expect(retryDelayMs(3, 2)).toBeGreaterThanOrEqual(6400);
    expect(retryDelayMs(30, 2)).toBe(300_000);
  });

  it('retries model-server hiccups, not broken documents or missing embedders', () => {
    expect(isTransient(new LlmError('llm_error', 'x', { statusCode: 500 }))).toBe(true);
    expect(isTransient(new LlmError('llm_timeout', 'x'))).toBe(true);
    expect(isTransient(new DocumentParseError('bad', 'corrupt'))).toBe(false);
    expect(isTransient(new DatabaseBusyError())).toBe(true);
    expect(isTransient(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isTransient(new Error('bug'))).toBe(false);
    expect(isEmbedderUnavailable(new LlmError('llm_unavailable', 'refused'))).toBe(true);
    expect(isEmbedderUnavailable(new LlmError('model_not_found', 'pull it', { statusCode: 404 }))).toBe(true);
    expect(isEmbedderUnavailable(new LlmError('llm_error', 'overloaded', { statusCode: 500 }))).toBe(false);
  });
});
