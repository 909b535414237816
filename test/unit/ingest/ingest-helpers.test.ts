import { describe, expect, it } from 'vitest';
import { LlmError } from '../../../src/server/errors.ts';
import { resolveChunkingSettings } from '../../../src/server/ingest/chunking-settings.ts';
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

describe('resolveChunkingSettings', () => {
  it('project > global > 1000/200, with bad values ignored and the overlap kept below the size', () => {
    expect(resolveChunkingSettings({ projectSettings: {}, globalSettings: {} })).toEqual({ chunkSize: 1000, chunkOverlap: 200 });
    expect(resolveChunkingSettings({ projectSettings: {}, globalSettings: { default_chunk_size: 500, default_chunk_overlap: 50 } })).toEqual({ chunkSize: 500, chunkOverlap: 50 });
    expect(
      resolveChunkingSettings({ projectSettings: { chunk_size: 300, chunk_overlap: 'x' }, globalSettings: { default_chunk_size: 500, default_chunk_overlap: 50 } }),
    ).toEqual({ chunkSize: 300, chunkOverlap: 50 });
    expect(resolveChunkingSettings({ projectSettings: { chunk_size: 200, chunk_overlap: 900 }, globalSettings: {} })).toEqual({ chunkSize: 200, chunkOverlap: 100 });
    expect(resolveChunkingSettings({ projectSettings: { chunk_size: -5 }, globalSettings: {} }).chunkSize).toBe(1000);
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
    expect(isTransient(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))).toBe(true);
    expect(isTransient(new Error('bug'))).toBe(false);
    expect(isEmbedderUnavailable(new LlmError('llm_unavailable', 'refused'))).toBe(true);
    expect(isEmbedderUnavailable(new LlmError('model_not_found', 'pull it', { statusCode: 404 }))).toBe(true);
    expect(isEmbedderUnavailable(new LlmError('llm_error', 'overloaded', { statusCode: 500 }))).toBe(false);
  });
});
