import fs from 'node:fs';
import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

/** Longest accepted line of an archive table (a chunk, a message with its sources). */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
const READ_SIZE = 256 * 1024;

/** Parses one NDJSON line with its table's schema; a bad line refuses the archive with its position. */
export function parseLine<T extends z.ZodType>(schema: T, line: string, where: { table: string; lineNumber: number }): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new ValidationError(`The project archive is damaged: line ${where.lineNumber} of ${where.table} is not valid JSON`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `The project archive is invalid: line ${where.lineNumber} of ${where.table}, ${issue?.path.join('.') || 'the line'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/**
 * The lines of a table, streamed (validation pass). Split on `\n` only, exactly like readLinesSync,
 * so that both passes see the same lines (readline would also split on a lone `\r`).
 */
export async function* readLines(filePath: string): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const block of fs.createReadStream(filePath, { highWaterMark: READ_SIZE }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let newline = block.indexOf(10); newline !== -1; newline = block.indexOf(10, start)) {
      const piece = block.subarray(start, newline);
      const line = pending.length ? Buffer.concat([...pending, piece]).toString('utf8') : piece.toString('utf8');
      pending = [];
      pendingBytes = 0;
      start = newline + 1;
      if (line.length > 0) yield line;
    }
    if (start < block.length) {
      pending.push(block.subarray(start));
      pendingBytes += block.length - start;
      if (pendingBytes > MAX_LINE_BYTES) throw new ValidationError('The project archive holds a line that is too long');
    }
  }
  if (pending.length) {
    const line = Buffer.concat(pending).toString('utf8');
    if (line.length > 0) yield line;
  }
}

/**
 * The lines of a table, read synchronously in small blocks: the import's single transaction consumes
 * them, and a better-sqlite3 transaction cannot await. Memory stays at one block plus one line.
 */
export function* readLinesSync(filePath: string): Generator<string> {
  const descriptor = fs.openSync(filePath, 'r');
  try {
    const block = Buffer.allocUnsafe(READ_SIZE);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for (;;) {
      const read = fs.readSync(descriptor, block, 0, READ_SIZE, null);
      if (read === 0) break;
      let start = 0;
      for (let newline = block.indexOf(10, 0); newline !== -1 && newline < read; newline = block.indexOf(10, start)) {
        const piece = block.subarray(start, newline);
        const line = pending.length ? Buffer.concat([...pending, piece]).toString('utf8') : piece.toString('utf8');
        pending = [];
        pendingBytes = 0;
        start = newline + 1;
        if (line.length > 0) yield line;
      }
      if (start < read) {
        pending.push(Buffer.from(block.subarray(start, read)));
        pendingBytes += read - start;
        if (pendingBytes > MAX_LINE_BYTES) throw new ValidationError('The project archive holds a line that is too long');
      }
    }
    if (pending.length) {
      const line = Buffer.concat(pending).toString('utf8');
      if (line.length > 0) yield line;
    }
  } finally {
    fs.closeSync(descriptor);
  }
}
