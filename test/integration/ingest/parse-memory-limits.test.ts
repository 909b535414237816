import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createParserPool, type ParserPool } from '../../../src/server/ingest/parser-pool.ts';
import { makePdf } from '../../support/document-fixtures.ts';
import { makePdfBomb } from '../../support/pdf-bomb.ts';
import { createTempDir } from '../../support/temp-files.ts';

/**
 * PDFium decodes streams into its WebAssembly heap, outside the V8 heap, where the worker's heap limit
 * does not look. These tests run real bombs through the real pool: the decoded-bytes cap refuses them
 * before PDFium; with the cap lifted, PDFium's heap stops at the worker's budget; a parser that allocates without
 * yielding (and so cannot report) is stopped by the process RSS backstop.
 */
const temp = createTempDir();
const pools: ParserPool[] = [];
const MB = 1024 * 1024;

function pool(options: Partial<Parameters<typeof createParserPool>[0]> = {}): ParserPool {
  const created = createParserPool({ size: 1, timeoutMs: 60_000, maxMemoryMb: 128, ...options });
  pools.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.close()));
});
afterAll(() => temp.remove());

async function request(filename: string, bytes: Buffer) {
  return { filePath: temp.write(filename, bytes), fileType: 'pdf' as const, filename, chunkSize: 500, chunkOverlap: 0 };
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('parse memory limits', () => {
  it('refuses a PDF whose streams decode past the cap before PDFium inflates them', async () => {
    // 3 streams of 100 MB of zeros: about 300 KB on disk.
    const bomb = await makePdfBomb({ streams: 3, decodedBytes: 100 * MB });
    expect(bomb.length).toBeLessThan(1 * MB);
    const parser = pool({ maxDecodedBytes: 200 * MB });
    const error = await rejection(parser.process(await request('bomb.pdf', bomb)));
    expect(error).toMatchObject({ reason: 'too_large', message: expect.stringMatching(/more than 200 MB \(a decompression bomb\?\)/) });
    // Under the cap the same file is a (strange but) readable PDF.
    const small = await makePdfBomb({ streams: 2, decodedBytes: 1 * MB });
    const result = await parser.process(await request('small.pdf', small));
    expect(result.chunks.map((chunk) => [chunk.page, chunk.content])).toEqual([
      [1, 'Bomb page'],
      [2, 'Bomb page'],
    ]);
  });

  it('stops a bomb that reaches PDFium at the worker memory limit, outside the V8 heap, and replaces the worker', async () => {
    const bomb = await makePdfBomb({ streams: 1, decodedBytes: 400 * MB });
    const parser = pool({ maxDecodedBytes: 64 * 1024 * MB });
    const error = await rejection(parser.process(await request('bomb.pdf', bomb)));
    expect(error).toMatchObject({ reason: 'memory', message: 'The file needs more memory than a parse may use (128 MB) and was stopped' });
    const next = await parser.process(await request('good.pdf', await makePdf(['Parsed by the new worker.'])));
    expect(next.chunks.map((chunk) => chunk.content)).toEqual(['Parsed by the new worker.']);
  });

  it('stops a parser that allocates without yielding once the process passes its RSS limit', async () => {
    const limitMb = Math.ceil(process.memoryUsage.rss() / MB) + 150;
    const parser = pool({
      maxProcessRssMb: limitMb,
      timeoutMs: 30_000,
      workerEntry: new URL('../../support/parse-workers/buffer-hog-parse-worker.ts', import.meta.url),
    });
    const good = await request('good.pdf', await makePdf(['Still parsing afterwards.']));
    const error = await rejection(parser.process({ ...good, filename: 'hog-400' }));
    expect(error).toMatchObject({ reason: 'memory', message: expect.stringContaining(`over ${limitMb} MB`) });
    expect((await parser.process(good)).chunks.map((chunk) => chunk.content)).toEqual(['Still parsing afterwards.']);
  });
});
