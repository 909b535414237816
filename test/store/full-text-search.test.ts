import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyTermExpression, searchTerms } from '../../src/server/store/full-text-terms.ts';
import { createFullTextSearcher } from '../../src/server/store/sqlite/full-text-search.ts';
import { createSqliteStore, type SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';

/** A seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

// Words the analyzer keeps as they are: five in most chunks, two hundred in a few each.
const COMMON = ['orchard', 'harbor', 'lantern', 'meadow', 'copper'];
const RARE = Array.from({ length: 200 }, (_, i) => `zq${i.toString(36)}x`);
const LIMIT = 10;

describe('sqlite full text: rare terms first gives the plain OR query’s top k', () => {
  let dir: string;
  let store: SqliteStore;
  const projects: number[] = [];
  const next = random(15);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-full-text-plan-'));
    store = createSqliteStore({ filePath: path.join(dir, 'daa.sqlite') });
    for (const name of ['a', 'b']) {
      const projectId = (await store.projects.create({ name, description: null, settings: {} })).id;
      projects.push(projectId);
      for (let d = 0; d < 3; d += 1) {
        const document = await store.documents.create({
          projectId,
          filename: `${name}-${d}.txt`,
          fileType: 'txt',
          mimeType: 'text/plain',
          fileSize: 1,
          storedName: `${name}-${d}.txt`,
          contentHash: `${name}-${d}`,
        });
        const chunks = Array.from({ length: 400 }, (_, chunkIndex) => {
          const words: string[] = [];
          for (const word of COMMON) if (next() < 0.6) for (let n = 1 + Math.floor(next() * 3); n > 0; n -= 1) words.push(word);
          for (let n = Math.floor(next() * 4); n > 0; n -= 1) words.push(pick(RARE));
          for (let n = Math.floor(next() * 20); n > 0; n -= 1) words.push('the');
          const content = words.sort(() => next() - 0.5).join(' ');
          return { chunkIndex, content, startChar: 0, endChar: content.length };
        });
        await store.chunks.indexDocument({ documentId: document.id, chunks, pageCount: null, wordCount: 1, parsedMetadata: {} });
      }
    }
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The previous query: bm25() over the OR of every term, in the project. */
  function plain(projectId: number, query: string) {
    return store.db
      .prepare<[string, number, number], { id: number; rank: number }>(
        `SELECT c.id, bm25(chunks_fts) AS rank FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
         WHERE chunks_fts MATCH ? AND c.project_id = ? ORDER BY rank LIMIT ?`,
      )
      .all(anyTermExpression(searchTerms(query)), projectId, LIMIT)
      .map((row) => ({ id: row.id, score: -row.rank }));
  }

  /** Same scores in the same order, and the same chunks wherever a score is not tied. */
  function expectSameTop(got: Array<{ id: number; score: number }>, want: Array<{ id: number; score: number }>) {
    expect(got.map((row) => row.score.toFixed(9))).toEqual(want.map((row) => row.score.toFixed(9)));
    const tied = (score: number) => want.filter((row) => Math.abs(row.score - score) < 1e-9).length > 1;
    expect(got.filter((row) => !tied(row.score)).map((row) => row.id)).toEqual(want.filter((row) => !tied(row.score)).map((row) => row.id));
  }

  it('answers two common and two rare words exactly, mostly without walking the common words alone', () => {
    const searcher = createFullTextSearcher(store.db, { planFromRows: 0, commonShare: 0.2, maxRounds: 10 });
    const plans: string[] = [];
    for (let q = 0; q < 60; q += 1) {
      const projectId = projects[q % 2]!;
      const query = `${pick(COMMON)} ${pick(RARE)} the ${pick(COMMON)} ${pick(RARE)}?`;
      const planned = searcher.explain({ projectId, query, limit: LIMIT });
      plans.push(planned.plan);
      expectSameTop(planned.rows, plain(projectId, query));
    }
    // The plan is taken at all (else this test would only compare the plain query with itself).
    expect(plans.filter((plan) => plan === 'rare terms first').length).toBeGreaterThan(30);
  });

  it('widens or falls back when the common words could still place a chunk, with the same answer', () => {
    // One rare word that is in few chunks: too few candidates, so the bound cannot hold at first.
    const searcher = createFullTextSearcher(store.db, { planFromRows: 0, commonShare: 0.2, maxRounds: 10 });
    let widened = 0;
    for (let q = 0; q < 30; q += 1) {
      const projectId = projects[q % 2]!;
      const query = `${COMMON[q % 5]} ${COMMON[(q + 1) % 5]} ${COMMON[(q + 2) % 5]} ${pick(RARE)}`;
      const planned = searcher.explain({ projectId, query, limit: LIMIT });
      if (planned.plan !== 'rare terms first' || planned.rounds! > 1) widened += 1;
      expectSameTop(planned.rows, plain(projectId, query));
    }
    expect(widened).toBeGreaterThan(0);
  });

  it('keeps each project to its own chunks, also when it holds every chunk of the file', async () => {
    const searcher = createFullTextSearcher(store.db, { planFromRows: 0, commonShare: 0.2, maxRounds: 10 });
    const owner = store.db.prepare<[number], { project_id: number }>('SELECT project_id FROM chunks WHERE id = ?');
    for (const projectId of projects) {
      for (const row of searcher.search({ projectId, query: `${COMMON[0]} ${RARE[1]} ${RARE[2]}`, limit: 40 })) {
        expect(owner.get(row.chunkId)?.project_id).toBe(projectId);
      }
    }
    await store.projects.hardDelete(projects[1]!);
    const alone = searcher.explain({ projectId: projects[0]!, query: `${COMMON[1]} ${RARE[3]}`, limit: LIMIT });
    expectSameTop(alone.rows, plain(projects[0]!, `${COMMON[1]} ${RARE[3]}`));
  });

  it('runs through the store on its reader worker: the event loop turns while it searches', async () => {
    let turns = 0;
    let running = true;
    const spin = () => {
      if (!running) return;
      turns += 1;
      setImmediate(spin);
    };
    setImmediate(spin);
    const hits = await store.chunks.searchFullText({ projectId: projects[0]!, query: `${COMMON[0]} ${RARE[5]}`, limit: LIMIT });
    running = false;
    expect(turns).toBeGreaterThan(0);
    expectSameTop(
      hits.map((hit) => ({ id: hit.chunkId, score: hit.score })),
      plain(projects[0]!, `${COMMON[0]} ${RARE[5]}`),
    );
  });
});
