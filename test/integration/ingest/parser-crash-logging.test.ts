import { afterEach, describe, expect, it } from 'vitest';
import { createParserPool, type ParserPool } from '../../../src/server/ingest/parser-pool.ts';
import { DocumentParseError } from '../../../src/server/ingest/parsed-document.ts';

/** What the crashing worker's error quotes from "the file" (kept in step with that worker). */
const QUOTED_DOCUMENT_TEXT = 'canary-document-text-7f3a';
const crashingWorker = new URL('../../support/parse-workers/crashing-parse-worker.ts', import.meta.url);

describe('a parser crash leaves a trace', () => {
  let pool: ParserPool | undefined;
  afterEach(async () => pool?.close());

  it("logs the worker's detail at warn, without the document text it quoted; the user gets the plain message", async () => {
    const warnings: Array<{ object: unknown; message?: string }> = [];
    pool = createParserPool({
      size: 1,
      timeoutMs: 20_000,
      maxMemoryMb: 256,
      workerEntry: crashingWorker,
      logger: { warn: (object: unknown, message?: string) => void warnings.push({ object, message }) },
    });

    // 1. The parse fails with the user-facing reason.
    const error = await pool
      .process({ filePath: '/nonexistent.pdf', fileType: 'pdf', filename: 'report.pdf', chunkSize: 500, chunkOverlap: 50 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DocumentParseError);
    expect(error).toMatchObject({ reason: 'corrupt', message: 'The file could not be read: it may be damaged' });

    // 2. One warning carries what crashed and where, and none of the quoted text.
    expect(warnings).toEqual([
      {
        object: { reason: 'corrupt', fileType: 'pdf', detail: "TypeError: Invalid XRef stream header near '…' at offset 4711" },
        message: 'a parser failed on a document',
      },
    ]);
    expect(JSON.stringify(warnings)).not.toContain(QUOTED_DOCUMENT_TEXT);
  });
});
