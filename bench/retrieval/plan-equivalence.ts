/**
 * `npx tsx bench/retrieval/plan-equivalence.ts`: whether the planned full-text search (rare terms
 * first, full-text-plan.ts) returns the plain OR query's top k on the test collections, with the plan
 * forced on at their size (it only runs from 50k chunks in the store). Every document is one chunk
 * of an in-memory store; each query of the collection is asked at k = 10, 40 and 100, and the
 * ranked scores must match (chunk ids too, except among tied scores). Prints the counts.
 */
import { anyTermExpression, searchTerms } from '../../src/server/store/full-text-terms.ts';
import { createFullTextSearcher } from '../../src/server/store/sqlite/full-text-search.ts';
import { createSqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { collectionDirs, documentText, loadCollection } from './collections.ts';

for (const dir of collectionDirs()) {
  const collection = loadCollection(dir);
  const store = createSqliteStore({ filePath: ':memory:' });
  const { id: projectId } = await store.projects.create({ name: collection.name, description: null, settings: {} });
  const document = await store.documents.create({
    projectId,
    filename: 'corpus.txt',
    fileType: 'txt',
    mimeType: 'text/plain',
    fileSize: 1,
    storedName: 'corpus.txt',
    contentHash: collection.name,
  });
  await store.chunks.indexDocument({
    documentId: document.id,
    chunks: collection.corpus.map((item, chunkIndex) => {
      const content = documentText(item);
      return { chunkIndex, content, startChar: 0, endChar: content.length };
    }),
    pageCount: null,
    wordCount: 0,
    parsedMetadata: {},
  });
  const planned = createFullTextSearcher(store.db, { planFromRows: 0, commonShare: 0.05, maxRounds: 3 });
  const plain = store.db.prepare<[string, number], { id: number; rank: number }>(
    'SELECT rowid AS id, bm25(chunks_fts) AS rank FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?',
  );
  const tally = { asked: 0, same: 0, differ: 0, rareFirst: 0, widened: 0 };
  const started = performance.now();
  for (const query of [...collection.queries.values()].slice(0, Number(process.env.QUERIES ?? 1e9))) {
    const terms = searchTerms(query);
    if (terms.length === 0) continue;
    for (const limit of [10, 40, 100]) {
      const got = planned.explain({ projectId, query, limit });
      const want = plain.all(anyTermExpression(terms), limit).map((row) => ({ id: row.id, score: -row.rank }));
      tally.asked += 1;
      if (got.plan === 'rare terms first') tally.rareFirst += 1;
      if ((got.rounds ?? 1) > 1) tally.widened += 1;
      const tied = (score: number) => want.filter((row) => Math.abs(row.score - score) < 1e-9).length > 1;
      const same =
        got.rows.length === want.length &&
        got.rows.every((row, i) => Math.abs(row.score - want[i]!.score) < 1e-9 && (tied(row.score) || row.id === want[i]!.id));
      if (same) tally.same += 1;
      else tally.differ += 1;
    }
  }
  console.log(collection.name, collection.corpus.length, 'chunks', tally, `${Math.round(performance.now() - started)} ms`);
  await store.close();
}
