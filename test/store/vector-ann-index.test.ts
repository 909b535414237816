import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore, type SqliteStore } from '../../src/server/store/sqlite/sqlite-store.ts';
import { until } from '../support/until.ts';

const DIMENSIONS = 128;
/** Small enough for a test, large enough that the versions below get an HNSW index. */
const MIN_VECTORS = 400;

/** A seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Clustered unit vectors, as embeddings are: topic centre plus noise. */
function vectorSource(seed: number, topics = 20) {
  const next = random(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(next() || 1e-9)) * Math.cos(2 * Math.PI * next());
  const normalize = (values: number[]) => {
    const norm = Math.hypot(...values);
    return values.map((value) => value / norm);
  };
  const centres = Array.from({ length: topics }, () => normalize(Array.from({ length: DIMENSIONS }, gauss)));
  return () => {
    const centre = centres[Math.floor(next() * topics)]!;
    return normalize(centre.map((value) => value + gauss() * 0.12));
  };
}

const cosineDistance = (a: number[], b: number[]) => 1 - a.reduce((sum, value, i) => sum + value * b[i]!, 0);

function exactTop(vectors: Map<number, number[]>, query: number[], k: number): number[] {
  return [...vectors]
    .map(([chunkId, vector]) => ({ chunkId, distance: cosineDistance(vector, query) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, k)
    .map((match) => match.chunkId);
}

async function loopTurnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    turns += 1;
    setImmediate(spin);
  };
  setImmediate(spin);
  await work();
  running = false;
  return turns;
}

describe('sqlite store: approximate (HNSW) vector index per index version', { timeout: 180_000 }, () => {
  let dir: string;
  let store: SqliteStore;
  const open = (verifyStepBytes?: number) =>
    createSqliteStore({
      filePath: path.join(dir, 'daa.sqlite'),
      vectorIndex: { minVectors: MIN_VECTORS, ...(verifyStepBytes ? { verifyStepBytes } : {}) },
    });

  async function project(name: string) {
    const { id } = await store.projects.create({ name, description: null, settings: {} });
    const index = await store.vectors.createIndex({
      projectId: id,
      provider: 'ollama',
      model: 'm',
      dimensions: DIMENSIONS,
      status: 'active',
    });
    return { projectId: id, indexId: index.id };
  }

  /** One completed document of `count` chunks with its vectors; returns chunk id → vector. */
  async function addDocument(target: { projectId: number; indexId: number }, name: string, vectors: number[][]) {
    const document = await store.documents.create({
      projectId: target.projectId,
      filename: name,
      fileType: 'txt',
      mimeType: 'text/plain',
      fileSize: 1,
      storedName: name,
      contentHash: name,
    });
    const ids = (await store.chunks.indexDocument({
      documentId: document.id,
      chunks: vectors.map((_, chunkIndex) => ({ chunkIndex, content: `chunk ${chunkIndex}`, startChar: 0, endChar: 7 })),
      pageCount: null,
      wordCount: 1,
      parsedMetadata: {},
    }))!;
    await store.documents.setProgress(document.id, { status: 'completed', stage: 'completed', progress: 100 });
    await store.vectors.insert({ indexId: target.indexId, items: ids.map((chunkId, i) => ({ chunkId, embedding: vectors[i]! })) });
    return { documentId: document.id, vectors: new Map(ids.map((chunkId, i) => [chunkId, vectors[i]!])) };
  }

  /** Waits until every large version is answered by its index (built, saved, caught up with the log). */
  async function indexed(versions: number, vectors: number) {
    await until(
      async () => {
        const stats = await store.vectorIndexStats!();
        return stats?.indexes === versions && stats.building === 0 && stats.vectors === vectors && stats.fileBytes > 0;
      },
      120_000,
      'the vector index to be built',
    );
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-ann-'));
    store = open();
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds what exact search finds (recall@10 against brute force), and reports its memory', async () => {
    const big = await project('big');
    const next = vectorSource(1);
    const { vectors } = await addDocument(big, 'big.txt', Array.from({ length: 3_000 }, next));
    // The first search starts the build and is answered exactly meanwhile.
    const first = next();
    expect((await store.vectors.search({ indexId: big.indexId, embedding: first, limit: 10 })).map((m) => m.chunkId)).toEqual(
      exactTop(vectors, first, 10),
    );
    await indexed(1, 3_000);

    let found = 0;
    const queries = 40;
    for (let q = 0; q < queries; q += 1) {
      const query = next();
      const hits = await store.vectors.search({ indexId: big.indexId, embedding: query, limit: 40 });
      expect(hits).toHaveLength(40);
      // Closest first, with cosine distances close to the exact ones (int8 quantization).
      expect(hits[0]!.distance).toBeCloseTo(cosineDistance(vectors.get(hits[0]!.chunkId)!, query), 1);
      const truth = new Set(exactTop(vectors, query, 10));
      found += hits.slice(0, 10).filter((hit) => truth.has(hit.chunkId)).length;
    }
    expect(found / (queries * 10)).toBeGreaterThanOrEqual(0.95);

    const stats = (await store.vectorIndexStats!())!;
    expect(stats).toMatchObject({ kind: 'hnsw-f16', minVectors: MIN_VECTORS, indexes: 1, building: 0, vectors: 3_000 });
    expect(stats.memoryBytes).toBeGreaterThan(3_000 * DIMENSIONS);
    expect(fs.readdirSync(path.join(dir, 'vector-index')).sort()).toEqual([`index-${big.indexId}.json`, `index-${big.indexId}.usearch`]);
  });

  it('keeps projects apart: a small project inside a big database gets its own k results, never the big one’s', async () => {
    const big = await project('big');
    const small = await project('small');
    const medium = await project('medium');
    const next = vectorSource(2);
    const bigVectors = (await addDocument(big, 'big.txt', Array.from({ length: 2_000 }, next))).vectors;
    const smallVectors = (await addDocument(small, 'small.txt', Array.from({ length: 25 }, next))).vectors;
    const mediumVectors = (await addDocument(medium, 'medium.txt', Array.from({ length: 600 }, next))).vectors;
    await store.vectors.search({ indexId: big.indexId, embedding: next(), limit: 1 });
    await store.vectors.search({ indexId: medium.indexId, embedding: next(), limit: 1 });
    await indexed(2, 2_600);

    for (let q = 0; q < 10; q += 1) {
      // A query that is one of the big project's own vectors: its best match lives there.
      const query = [...bigVectors.values()][q * 7]!;
      const inSmall = await store.vectors.search({ indexId: small.indexId, embedding: query, limit: 40 });
      expect(inSmall).toHaveLength(25);
      expect(inSmall.every((hit) => smallVectors.has(hit.chunkId))).toBe(true);
      const inMedium = await store.vectors.search({ indexId: medium.indexId, embedding: query, limit: 40 });
      expect(inMedium).toHaveLength(40);
      expect(inMedium.every((hit) => mediumVectors.has(hit.chunkId))).toBe(true);
    }
  });

  it('drops a deleted document’s vectors from the very next search, and adds new ones', async () => {
    const big = await project('big');
    const next = vectorSource(3);
    await addDocument(big, 'a.txt', Array.from({ length: 1_000 }, next));
    const doomed = await addDocument(big, 'b.txt', Array.from({ length: 100 }, next));
    await store.vectors.search({ indexId: big.indexId, embedding: next(), limit: 1 });
    await indexed(1, 1_100);

    const probe = [...doomed.vectors.values()][5]!;
    const [before] = await store.vectors.search({ indexId: big.indexId, embedding: probe, limit: 1 });
    expect(doomed.vectors.has(before!.chunkId)).toBe(true);
    await store.documents.delete(doomed.documentId);
    const after = await store.vectors.search({ indexId: big.indexId, embedding: probe, limit: 40 });
    expect(after).toHaveLength(40);
    expect(after.some((hit) => doomed.vectors.has(hit.chunkId))).toBe(false);

    const added = await addDocument(big, 'c.txt', [probe.map((value) => -value)]);
    const [newest] = await store.vectors.search({ indexId: big.indexId, embedding: probe.map((value) => -value), limit: 1 });
    expect(added.vectors.has(newest!.chunkId)).toBe(true);
    await indexed(1, 1_001);
  });

  it('loads its saved index after a restart, replays what changed since the file was saved, and rebuilds a file that does not match', async () => {
    const big = await project('big');
    const next = vectorSource(4);
    const first = await addDocument(big, 'a.txt', Array.from({ length: 1_500 }, next));
    await store.vectors.search({ indexId: big.indexId, embedding: next(), limit: 1 });
    await indexed(1, 1_500);
    const file = path.join(dir, 'vector-index', `index-${big.indexId}.usearch`);
    const meta = `${file.slice(0, -'.usearch'.length)}.json`;
    // The index as saved before the changes below: as if the process had died before saving again.
    const savedIndex = fs.readFileSync(file);
    const savedMeta = fs.readFileSync(meta);
    const later = await addDocument(big, 'b.txt', Array.from({ length: 450 }, next));
    await store.documents.delete(first.documentId);
    const probe = [...later.vectors.values()][0]!;
    expect(later.vectors.has((await store.vectors.search({ indexId: big.indexId, embedding: probe, limit: 1 }))[0]!.chunkId)).toBe(true);
    await store.close();
    // The close saved the index and pruned the log; put the older pair back and the log rows it lacks.
    fs.writeFileSync(file, savedIndex);
    fs.writeFileSync(meta, savedMeta);
    store = open();
    await indexed(1, 450);
    const hits = await store.vectors.search({ indexId: big.indexId, embedding: probe, limit: 40 });
    expect(hits).toHaveLength(40);
    expect(hits.every((hit) => later.vectors.has(hit.chunkId))).toBe(true);

    // A clean restart loads the file as it is: no rebuild (the file is not written again).
    await store.close();
    const savedAt = fs.statSync(file).mtimeMs;
    store = open();
    await indexed(1, 450);
    expect((await store.vectors.search({ indexId: big.indexId, embedding: probe, limit: 1 }))[0]!.chunkId).toBe(hits[0]!.chunkId);
    expect(fs.statSync(file).mtimeMs).toBe(savedAt);

    // A damaged file is thrown away and built again from the table.
    await store.close();
    fs.writeFileSync(file, Buffer.from('not an index'));
    store = open();
    await indexed(1, 450);
    expect((await store.vectors.search({ indexId: big.indexId, embedding: probe, limit: 1 }))[0]!.chunkId).toBe(hits[0]!.chunkId);
  });

  it('answers exactly while a saved index is verified after a start, applies what was deleted meanwhile, then maps it', async () => {
    const big = await project('big');
    const next = vectorSource(7);
    const kept = await addDocument(big, 'a.txt', Array.from({ length: 1_500 }, next));
    const doomed = await addDocument(big, 'b.txt', Array.from({ length: 100 }, next));
    await store.vectors.search({ indexId: big.indexId, embedding: next(), limit: 1 });
    await indexed(1, 1_600);
    await store.close();

    // Hashed 64 bytes a step, the ~0.6 MB file takes thousands of turns of the worker to verify.
    store = open(64);
    const during = await store.vectorIndexStats!();
    expect(during).toMatchObject({ indexes: 0, loading: 1 });
    await store.documents.delete(doomed.documentId);
    const probe = [...doomed.vectors.values()][3]!;
    const answered = await store.vectors.search({ indexId: big.indexId, embedding: probe, limit: 10 });
    // Still loading when it answered: the answer is exact search's, without the deleted document.
    expect((await store.vectorIndexStats!())?.loading).toBe(1);
    expect(answered.map((match) => match.chunkId)).toEqual(exactTop(kept.vectors, probe, 10));

    await indexed(1, 1_500);
    const mapped = (await store.vectorIndexStats!())!;
    expect(mapped).toMatchObject({ loading: 0, memoryBytes: 0 });
    expect(mapped.mappedBytes).toBeGreaterThan(1_500 * DIMENSIONS);
    const hits = await store.vectors.search({ indexId: big.indexId, embedding: probe, limit: 40 });
    expect(hits).toHaveLength(40);
    expect(hits.every((hit) => kept.vectors.has(hit.chunkId))).toBe(true);

    // New vectors wait beside the read-only mapping, then a writable copy takes them.
    const few = await addDocument(big, 'c.txt', Array.from({ length: 10 }, next));
    const [first] = few.vectors.values();
    expect(few.vectors.has((await store.vectors.search({ indexId: big.indexId, embedding: first!, limit: 1 }))[0]!.chunkId)).toBe(true);
    expect((await store.vectorIndexStats!())?.memoryBytes).toBe(0);
    const many = await addDocument(big, 'd.txt', Array.from({ length: 300 }, next));
    const [firstOfMany] = many.vectors.values();
    const [found] = await store.vectors.search({ indexId: big.indexId, embedding: firstOfMany!, limit: 1 });
    expect(many.vectors.has(found!.chunkId)).toBe(true);
    await indexed(1, 1_810);
    const loaded = (await store.vectorIndexStats!())!;
    expect(loaded.mappedBytes).toBe(0);
    expect(loaded.memoryBytes).toBeGreaterThan(1_810 * DIMENSIONS);
  });

  it('answers from the worker thread: the event loop turns while a search runs during a build', async () => {
    const big = await project('big');
    const next = vectorSource(5);
    await addDocument(big, 'a.txt', Array.from({ length: 4_000 }, next));
    await store.vectors.search({ indexId: big.indexId, embedding: next(), limit: 1 });
    let turns = 0;
    for (let q = 0; q < 5; q += 1)
      turns += await loopTurnsDuring(() => store.vectors.search({ indexId: big.indexId, embedding: next(), limit: 40 }));
    expect(turns).toBeGreaterThan(0);
    await indexed(1, 4_000);
  });

  it('forgets the index of a retired version, files included', async () => {
    const big = await project('big');
    const next = vectorSource(6);
    await addDocument(big, 'a.txt', Array.from({ length: 600 }, next));
    await store.vectors.search({ indexId: big.indexId, embedding: next(), limit: 1 });
    await indexed(1, 600);
    await store.vectors.retire(big.indexId);
    expect(await store.vectors.search({ indexId: big.indexId, embedding: next(), limit: 1 })).toEqual([]);
    await until(async () => (await store.vectorIndexStats!())?.indexes === 0);
    expect(fs.readdirSync(path.join(dir, 'vector-index'))).toEqual([]);
    expect(
      (store.db.prepare('SELECT COUNT(*) AS count FROM vector_changes WHERE index_id = ?').get(big.indexId) as { count: number }).count,
    ).toBe(0);
  });
});
