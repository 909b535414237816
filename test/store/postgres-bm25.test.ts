import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchTerms } from '../../src/server/store/full-text-terms.ts';
import { searchBm25 } from '../../src/server/store/postgres/bm25-search.ts';
import { MIGRATIONS } from '../../src/server/store/postgres/migrations.ts';
import { createPostgresStore } from '../../src/server/store/postgres/postgres-store.ts';
import type { Store } from '../../src/server/store/store.ts';
import { createTestDatabase, requirePostgres } from '../support/postgres-database.ts';

/**
 * The BM25 query before migration 5 (one statement, each posting joined to its chunk for the length,
 * numeric arithmetic): kept as the reference the faster search must match.
 */
const PREVIOUS_BM25_SQL = /* sql */ `
WITH q AS (SELECT DISTINCT unnest($2::text[]) AS term),
stats AS (SELECT COUNT(*)::float8 AS n, COALESCE(AVG(doc_len), 1)::float8 AS avgdl FROM chunks WHERE project_id = $1),
df AS (
  SELECT p.term, COUNT(*)::float8 AS df FROM chunk_postings p JOIN q ON q.term = p.term
  WHERE p.project_id = $1 GROUP BY p.term
)
SELECT p.chunk_id AS id,
  SUM(ln(1 + (s.n - df.df + 0.5) / (df.df + 0.5))
      * (p.tf * (1.2 + 1)) / (p.tf + 1.2 * (1 - 0.75 + 0.75 * c.doc_len / GREATEST(s.avgdl, 1)))) AS score
FROM chunk_postings p
JOIN df ON df.term = p.term
JOIN chunks c ON c.id = p.chunk_id
CROSS JOIN stats s
WHERE p.project_id = $1
GROUP BY p.chunk_id
ORDER BY score DESC, p.chunk_id
LIMIT $3`;

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Words of a Zipf-like vocabulary ("w0" common … "w299" rare), left alone by the analyzer. */
function zipfWord(next: () => number): string {
  return `w${Math.floor(300 * next() ** 3)}`;
}

function passage(next: () => number): string {
  const length = 4 + Math.floor(next() * 50);
  return Array.from({ length }, () => zipfWord(next)).join(' ');
}

/**
 * Whether two rankings agree: the same chunks in the same order, except that chunks whose scores
 * are equal to 1e-9 may come in either order (the previous query summed in another order, so a true
 * tie could come out 1e-15 apart), and the last tied group may be cut at `limit` differently.
 */
function sameRanking(a: Array<{ chunkId: number; score: number }>, b: Array<{ chunkId: number; score: number }>): boolean {
  const canonical = (hits: typeof a) =>
    hits.map((hit) => ({ id: hit.chunkId, score: Math.round(hit.score * 1e9) })).sort((x, y) => y.score - x.score || x.id - y.id);
  const [x, y] = [canonical(a), canonical(b)];
  const last = x.at(-1)?.score;
  return x.length === y.length && x.every((hit, rank) => hit.score === y[rank]!.score && (hit.score === last || hit.id === y[rank]!.id));
}

const enabled = await requirePostgres('PostgreSQL BM25');

describe.runIf(enabled)('PostgreSQL BM25: the covering-index query ranks as the previous one, per project', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let pool: pg.Pool;
  let projectA: number;
  let projectB: number;
  let emptyProject: number;
  const idsOf = new Map<number, Set<number>>();

  async function index(projectId: number, texts: string[]) {
    for (let start = 0; start < texts.length; start += 100) {
      const document = await store.documents.create({
        projectId,
        filename: `part-${start}.txt`,
        fileType: 'txt',
        mimeType: 'text/plain',
        fileSize: 1,
        storedName: `${projectId}-${start}.txt`,
        contentHash: `${projectId}-${start}`,
      });
      const ids = await store.chunks.indexDocument({
        documentId: document.id,
        chunks: texts
          .slice(start, start + 100)
          .map((content, chunkIndex) => ({ chunkIndex, content, startChar: 0, endChar: content.length })),
        pageCount: null,
        wordCount: 1,
        parsedMetadata: {},
      });
      for (const id of ids!) idsOf.get(projectId)!.add(id);
    }
  }

  const previous = async (projectId: number, terms: string[], limit: number) =>
    (await pool.query<{ id: number; score: number }>(PREVIOUS_BM25_SQL, [projectId, terms, limit])).rows.map((row) => ({
      chunkId: row.id,
      score: Number(row.score),
    }));

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await createPostgresStore({ connectionString: database.url });
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const next = random(42);
    const textsA = Array.from({ length: 500 }, () => passage(next));
    projectA = (await store.projects.create({ name: 'bm25 a', description: null, settings: {} })).id;
    projectB = (await store.projects.create({ name: 'bm25 b', description: null, settings: {} })).id;
    emptyProject = (await store.projects.create({ name: 'bm25 empty', description: null, settings: {} })).id;
    for (const id of [projectA, projectB, emptyProject]) idsOf.set(id, new Set());
    await index(projectA, textsA);
    // B holds A's passages too and more of the common words, so its statistics differ from A's.
    await index(projectB, [...textsA, ...Array.from({ length: 300 }, () => `w0 w1 w2 ${passage(next)}`)]);
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await store?.close();
    await database?.drop();
  });

  it('returns the same chunks in the same order with the same scores as the previous query', async () => {
    const next = random(7);
    let compared = 0;
    for (let query = 0; query < 40; query += 1) {
      const terms = searchTerms(Array.from({ length: 2 + Math.floor(next() * 9) }, () => zipfWord(next)).join(' '));
      for (const limit of [1, 10, 40]) {
        const hits = await searchBm25(pool, projectA, terms, limit);
        const reference = await previous(projectA, terms, limit);
        expect(hits.length).toBeGreaterThan(0);
        expect(hits).toHaveLength(reference.length);
        hits.forEach((hit, rank) => expect(hit.score).toBeCloseTo(reference[rank]!.score, 9));
        expect(sameRanking(hits, reference)).toBe(true);
        compared += 1;
      }
    }
    expect(compared).toBe(120);
  }, 180_000);

  it('ranks each project by its own statistics and returns only its own chunks', async () => {
    const terms = searchTerms('w0 w1 w3 w40 w150 w260');
    for (const projectId of [projectA, projectB]) {
      const hits = await searchBm25(pool, projectId, terms, 50);
      expect(hits).toHaveLength(50);
      expect(hits.every((hit) => idsOf.get(projectId)!.has(hit.chunkId))).toBe(true);
      expect(hits.map((hit) => hit.chunkId)).toEqual((await previous(projectId, terms, 50)).map((hit) => hit.chunkId));
    }
    // The same passage scores differently in A and in B (B's N and document frequencies).
    const [bestA] = await searchBm25(pool, projectA, terms, 1);
    const inB = await store.chunks.searchFullText({ projectId: projectB, query: 'w0 w1 w3 w40 w150 w260', limit: 1_000 });
    const textA = (await store.chunks.findByIds(projectA, [bestA!.chunkId]))[0]!.content;
    const twins = await store.chunks.findByIds(
      projectB,
      inB.map((hit) => hit.chunkId),
    );
    const twin = twins.find((chunk) => chunk.content === textA)!;
    expect(inB.find((hit) => hit.chunkId === twin.id)!.score).not.toBeCloseTo(bestA!.score, 6);
    expect(await store.chunks.searchFullText({ projectId: emptyProject, query: 'w0 w1', limit: 10 })).toEqual([]);
    expect(await store.chunks.findByIds(projectA, [twin.id])).toEqual([]);
  });

  it('through the store: the same result as the previous query', async () => {
    const query = 'w0 w2 w5 w9 w77 w140 w201';
    const hits = await store.chunks.searchFullText({ projectId: projectB, query, limit: 40 });
    expect(hits.map((hit) => hit.chunkId)).toEqual((await previous(projectB, searchTerms(query), 40)).map((hit) => hit.chunkId));
  });
});

describe.runIf(enabled)('PostgreSQL migration 5: covering postings', () => {
  it('carries every posting over with its chunk length, and keeps the triggers writing it', async () => {
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      // A database as migration 4 left it, with postings written by its triggers.
      for (const migration of MIGRATIONS.filter((item) => item.version <= 4)) await client.query(migration.sql);
      const at = new Date().toISOString();
      await client.query(`INSERT INTO projects (id, name, created_at, updated_at) VALUES (1, 'p', $1, $1)`, [at]);
      await client.query(`INSERT INTO documents (id, project_id, filename, created_at, updated_at) VALUES (1, 1, 'a.txt', $1, $1)`, [at]);
      await client.query(
        `INSERT INTO chunks (document_id, project_id, chunk_index, content, start_char, end_char, search_text)
         VALUES (1, 1, 0, 'x', 0, 1, 'orchard appl appl pear'), (1, 1, 1, 'y', 0, 1, 'appl pie'), (1, 1, 2, 'z', 0, 1, NULL)`,
      );
      await client.query(`UPDATE chunks SET content = 'Weather and apples today' WHERE chunk_index = 2`);
      const before = (await client.query('SELECT project_id, term, chunk_id, tf FROM chunk_postings ORDER BY chunk_id, term')).rows;
      expect(before.length).toBeGreaterThan(5);

      await client.query(MIGRATIONS.find((item) => item.version === 5)!.sql);
      const after = await client.query(
        'SELECT p.project_id, p.term, p.chunk_id, p.tf, p.doc_len, c.doc_len AS chunk_len FROM chunk_postings p JOIN chunks c ON c.id = p.chunk_id ORDER BY p.chunk_id, p.term',
      );
      expect(after.rows.map(({ project_id, term, chunk_id, tf }) => ({ project_id, term, chunk_id, tf }))).toEqual(before);
      expect(after.rows.every((row) => row.doc_len === row.chunk_len && row.doc_len > 0)).toBe(true);
      // New and changed chunks get their length in their postings; deleting a chunk still removes them.
      await client.query(
        `INSERT INTO chunks (document_id, project_id, chunk_index, content, start_char, end_char, search_text) VALUES (1, 1, 3, 'w', 0, 1, 'appl appl appl')`,
      );
      await client.query(`UPDATE chunks SET search_text = 'pear' WHERE chunk_index = 1`);
      await client.query('DELETE FROM chunks WHERE chunk_index = 0');
      const postings = (
        await client.query<{ chunk_index: number; term: string; tf: number; doc_len: number }>(
          `SELECT c.chunk_index, p.term, p.tf, p.doc_len FROM chunk_postings p JOIN chunks c ON c.id = p.chunk_id
           WHERE c.chunk_index IN (1, 3) ORDER BY c.chunk_index, p.term`,
        )
      ).rows;
      expect(postings).toEqual([
        { chunk_index: 1, term: 'pear', tf: 1, doc_len: 1 },
        { chunk_index: 3, term: 'appl', tf: 3, doc_len: 3 },
      ]);
      expect(
        (await client.query('SELECT COUNT(*)::int AS n FROM chunk_postings p LEFT JOIN chunks c ON c.id = p.chunk_id WHERE c.id IS NULL'))
          .rows[0].n,
      ).toBe(0);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
