import { createParserPool } from '../../src/server/ingest/parser-pool.ts';

/**
 * Run as `tsx test/support/parse-with-pool.ts <file> <type>`: parses one file through the real parser
 * pool and prints the chunks as JSON. Proves the worker bootstrap works under tsx (how the server runs).
 */
const [filePath, fileType] = process.argv.slice(2);
const pool = createParserPool({ size: 1, timeoutMs: 30_000, maxMemoryMb: 256 });
try {
  const result = await pool.process({
    filePath: filePath!,
    fileType: fileType as 'pdf',
    filename: 'file',
    chunkSize: 400,
    chunkOverlap: 40,
  });
  process.stdout.write(JSON.stringify(result.chunks));
} finally {
  await pool.close();
}
