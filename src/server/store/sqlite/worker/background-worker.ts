import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { quickCheck } from '../integrity-check.ts';
import { createFullTextSearcher } from '../full-text-search.ts';
import { dropRetiredVectorTables } from '../retired-vector-cleanup.ts';
import { AnnIndexSet } from '../vector-index/ann-index-set.ts';
import { searchVectors } from '../vector-search.ts';
import { BackgroundRequest, type BackgroundResponse, type BackgroundWorkerData } from './background-messages.ts';

/**
 * A connection of the store's own in a worker thread: statements that scan or free a whole table
 * (quick_check, a brute-force vector search, dropping a big vec0 table) and full-text searches run
 * here, so the main thread's event loop never waits for them. The store keeps two: one for that
 * maintenance and vectors, one reader for full text, so a search never queues behind a quick_check. Waiting for the write lock is harmless here, hence the long busy timeout. The approximate
 * vector indexes live here too (`vector-index/`): their builds and catch-ups run in steps between requests.
 */
const { filePath, vectorIndex } = workerData as BackgroundWorkerData;
let shared: Database.Database | undefined;
let ann: AnnIndexSet | undefined;
let fullText: ReturnType<typeof createFullTextSearcher> | undefined;

function connection(): Database.Database {
  if (!shared) {
    shared = new Database(filePath, { fileMustExist: true, timeout: 30_000 });
    sqliteVec.load(shared);
  }
  return shared;
}

function annIndexes(): AnnIndexSet | undefined {
  if (!ann && vectorIndex) ann = new AnnIndexSet(connection(), { filePath, ...vectorIndex });
  return ann;
}

/** quick_check on a fresh read-only connection: nothing cached from earlier reads can hide a damaged page. */
function checkFile(): string[] {
  let reader: Database.Database | undefined;
  try {
    reader = new Database(filePath, { readonly: true, fileMustExist: true, timeout: 30_000 });
    return quickCheck(reader);
  } catch (error) {
    // A file too damaged to be read at all (overwritten header, not a database) is a finding too.
    const code = String((error as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return [(error as Error).message];
    throw error;
  } finally {
    reader?.close();
  }
}

function handle(request: BackgroundRequest): BackgroundResponse {
  switch (request.type) {
    case 'quick_check':
      return { id: request.id, ok: true, problems: checkFile() };
    case 'drop_retired_vectors': {
      const dropped = dropRetiredVectorTables(connection());
      annIndexes()?.forgetDead();
      return { id: request.id, ok: true, dropped };
    }
    case 'vector_search': {
      const indexes = annIndexes();
      return { id: request.id, ok: true, matches: indexes ? indexes.search(request) : searchVectors(connection(), request) };
    }
    case 'full_text_search':
      fullText ??= createFullTextSearcher(connection());
      return { id: request.id, ok: true, hits: fullText.search(request) };
    case 'vector_index_warm':
      annIndexes()?.warm();
      return { id: request.id, ok: true };
    case 'vector_index_stats': {
      const stats = annIndexes()?.stats();
      return { id: request.id, ok: true, ...(stats ? { vectorIndex: stats } : {}) };
    }
    case 'vector_index_flush':
      ann?.flush();
      return { id: request.id, ok: true };
  }
}

parentPort!.on('message', (raw: unknown) => {
  const parsed = BackgroundRequest.safeParse(raw);
  if (!parsed.success) return;
  try {
    parentPort!.postMessage(handle(parsed.data));
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    parentPort!.postMessage({
      id: parsed.data.id,
      ok: false,
      message: message ?? String(error),
      ...(typeof code === 'string' ? { code } : {}),
    } satisfies BackgroundResponse);
  }
});
