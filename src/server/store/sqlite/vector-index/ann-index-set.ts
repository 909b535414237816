import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { Index, MetricKind, ScalarKind } from 'usearch';
import type { VectorIndexStats } from '../../store.ts';
import { vectorTableName } from '../document-index-cleanup.ts';
import { lastVectorChange } from '../vector-changes.ts';
import { searchVectors } from '../vector-search.ts';

export interface AnnIndexOptions {
  /** The database file (the build reads it on a connection of its own). */
  filePath: string;
  /** Where the index files live (DATA_DIR/vector-index). */
  dir: string;
  /** Index versions with fewer vectors are searched exactly (`VECTOR_ANN_MIN_VECTORS`). */
  minVectors: number;
  /** Bytes of a saved file hashed per step while it is verified (tests make it small, to search during a load). */
  verifyStepBytes?: number;
}

type Match = { chunkId: number; distance: number };

/** Bumped when the file layout or the HNSW settings change: an older file is rebuilt. */
const FORMAT = 1;
/**
 * HNSW over half-precision vectors (half of float32's memory; int8 lost recall@10 to 0.93 on
 * clustered test data, f16 keeps it ≥ 0.95). M = 16 and ef_construction = 64 keep the build cheap;
 * ef_search = 256 still answers in about a millisecond.
 */
const HNSW = {
  metric: MetricKind.Cos,
  quantization: ScalarKind.F16,
  connectivity: 16,
  expansion_add: 64,
  expansion_search: 256,
  multi: false,
};
/** Changes applied per turn of the worker's loop while catching up: a search waits at most one step. */
const STEP = 1_024;
/**
 * Vectors added per turn while building, on every core (usearch's multi-threaded add): a search
 * (answered exactly meanwhile) waits at most one step, ~0.1–0.3 s at 1M vectors on two cores.
 */
const BUILD_STEP = 2_048;
/** 0: usearch uses every hardware thread. */
const BUILD_THREADS = 0;
/** Changes a search applies itself before it answers; more than that and it answers exactly while the rest catch up. */
const APPLY_AT_QUERY = 64;
const SAVE_EVERY_MS = 60_000;
const TICK_MS = 2_000;
const RETRY_BUILD_MS = 60_000;
const PRUNE_PAGE = 5_000;
const REBUILD_DEAD_SHARE = 0.1;
const REBUILD_OVERLAY = 2_000;
/** New vectors a mapped (read-only) index keeps aside before a writable copy is loaded and takes them. */
const UNMAP_AT_OVERLAY = 256;
/** Bytes of a saved file hashed per turn of the worker's loop while it is verified (a few ms each). */
const VERIFY_STEP_BYTES = 8 << 20;
/** The first bytes of every usearch file. */
const USEARCH_MAGIC = Buffer.from('usearch');

interface Meta {
  format: number;
  indexId: number;
  dimensions: number;
  /** The last change (vector_changes.seq) the saved file contains. */
  seq: number;
  size: number;
  tombstones: number[];
  overlay: number[];
  /** SHA-1 of the index file: usearch reads a damaged file without checking it (and may crash the process). */
  sha1: string;
  /** The index file's length, checked before it is hashed (absent in files saved before it was kept). */
  fileBytes?: number;
  savedAt: string;
}

interface Ready {
  kind: 'ready';
  index: Index;
  dimensions: number;
  /** Changes applied through this seq. */
  seq: number;
  savedSeq: number;
  dirty: boolean;
  lastSave: number;
  /** Loaded from a file: once caught up, its count must equal the table's, or it is rebuilt. */
  verify: boolean;
  /**
   * Keys in the graph whose vector is gone or replaced. usearch 2.25's remove() corrupts the heap
   * when the index is saved afterwards, so nothing is ever removed: results skip these, and the
   * index is rebuilt once they are many.
   */
  tombstones: Set<number>;
  /** Vectors the graph cannot take (a key it already holds, written again): scored exactly at each search. */
  overlay: Map<number, Float32Array>;
  /** Whether the log holds changes past `seq` (as of the last look). */
  behind: boolean;
  catchingUp: boolean;
  /**
   * Memory-mapped from its file (usearch's view(): nothing read up front, pages shared with the OS
   * cache), hence read-only: new vectors wait in `overlay` until there are enough to load a writable copy.
   */
  viewed: boolean;
}

/** A saved file being verified (SHA-1, in steps) before it is mapped; searched exactly meanwhile. */
interface Loading {
  kind: 'loading';
  dimensions: number;
  meta: Meta;
  fd: number;
  fileBytes: number;
  offset: number;
  hash: ReturnType<typeof createHash>;
  startedAt: number;
}

interface Building {
  kind: 'building';
  index: Index;
  dimensions: number;
  startSeq: number;
  reader: Database.Database;
  rows: IterableIterator<{ chunk_id: number | bigint; embedding: Buffer }>;
  startedAt: number;
}

type State = Ready | Loading | Building;

/**
 * The approximate nearest-neighbour indexes of the store's background worker: one usearch HNSW per
 * large index version (a version is one project and one embedder, so a search never sees another
 * project's vectors and always finds k of its own). vec0 stays the source of truth: the HNSW is
 * built from it, kept in step through the `vector_changes` log (a search first applies what is
 * newer; deleted chunks leave at once), saved under DATA_DIR and checked against the store when
 * loaded. Small versions, and any version while it is built or catching up, are searched exactly.
 * Everything here runs in the worker thread, in steps, so searches interleave with long work.
 */
export class AnnIndexSet {
  private readonly states = new Map<number, State>();
  private readonly counts = new Map<number, { count: number; seq: number }>();
  private readonly failedAt = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;
  private lastPrune = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly options: AnnIndexOptions,
  ) {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  search(request: { indexId: number; embedding: Float32Array; limit: number }): Match[] {
    const info = this.indexInfo(request.indexId);
    if (!info) return [];
    const state = this.states.get(request.indexId);
    if (state?.kind === 'ready') {
      if (request.embedding.length !== state.dimensions)
        throw new Error(`the query has ${request.embedding.length} dimensions, the index ${state.dimensions}`);
      this.applyChanges(request.indexId, state, APPLY_AT_QUERY);
      if (this.needsRebuild(state)) {
        this.discard(request.indexId);
        this.startBuild(request.indexId, info.dimensions);
      } else if (!state.behind) return searchIndex(state, request.embedding, request.limit);
      else this.catchUp(request.indexId, state);
    } else if (!state && this.vectorCount(request.indexId) >= this.options.minVectors) {
      this.startBuild(request.indexId, info.dimensions);
    }
    return searchVectors(this.db, request);
  }

  /** At start: loads the saved indexes of live versions, starts builds for large ones without, removes stale files. */
  warm(): void {
    this.forgetDead();
    for (const { id, dimensions } of this.liveIndexes()) {
      if (this.states.has(id)) continue;
      if (!this.load(id, dimensions) && this.vectorCount(id) >= this.options.minVectors) this.startBuild(id, dimensions);
    }
  }

  /** After retired versions were dropped: their indexes and files go too. */
  forgetDead(): void {
    const live = new Set(this.liveIndexes().map((index) => index.id));
    for (const [id, state] of this.states) {
      if (live.has(id)) continue;
      if (state.kind === 'building') stopBuild(state);
      if (state.kind === 'loading') closeFd(state.fd);
      this.states.delete(id);
      this.counts.delete(id);
    }
    if (!fs.existsSync(this.options.dir)) return;
    for (const name of fs.readdirSync(this.options.dir)) {
      const id = Number(/^index-(\d+)\./.exec(name)?.[1]);
      if (Number.isSafeInteger(id) && !live.has(id)) fs.rmSync(path.join(this.options.dir, name), { force: true });
    }
  }

  /** Saves every index with unsaved changes (before the worker stops). */
  flush(): void {
    for (const [id, state] of this.states) if (state.kind === 'ready' && state.dirty) this.save(id, state);
  }

  stats(): VectorIndexStats {
    let vectors = 0;
    let memoryBytes = 0;
    let fileBytes = 0;
    let ready = 0;
    let building = 0;
    let loading = 0;
    let mappedBytes = 0;
    for (const [id, state] of this.states) {
      if (state.kind === 'loading') {
        loading += 1;
        continue;
      }
      const size = state.index.size();
      vectors += state.kind === 'ready' ? liveCount(state) : size;
      // usearch reports no allocation: f16 vectors, the base layer's 2·M links of 4 bytes, key and level.
      const bytes = size * (state.dimensions * 2 + 2 * HNSW.connectivity * 4 + 24);
      // A mapped index lives in the OS's file cache (shared, reclaimable), not in the process's own heap.
      if (state.kind === 'ready' && state.viewed) mappedBytes += bytes;
      else memoryBytes += bytes;
      if (state.kind === 'ready') ready += 1;
      else building += 1;
      try {
        fileBytes += fs.statSync(this.indexFile(id)).size;
      } catch {
        // Not saved yet.
      }
    }
    return {
      kind: 'hnsw-f16',
      minVectors: this.options.minVectors,
      indexes: ready,
      building,
      loading,
      vectors,
      memoryBytes,
      mappedBytes,
      fileBytes,
    };
  }

  close(): void {
    clearInterval(this.timer);
    for (const state of this.states.values()) {
      if (state.kind === 'building') stopBuild(state);
      if (state.kind === 'loading') closeFd(state.fd);
    }
    this.states.clear();
  }

  // -------------------------------------------------------------------------------------------

  private tick(): void {
    const now = Date.now();
    for (const [id, state] of this.states) {
      if (state.kind !== 'ready') continue;
      state.behind = this.hasChangesAfter(id, state.seq);
      if (state.behind) this.catchUp(id, state);
      else if (state.dirty && now - state.lastSave >= SAVE_EVERY_MS) this.save(id, state);
    }
    if (now - this.lastPrune >= SAVE_EVERY_MS) {
      this.lastPrune = now;
      this.pruneUnindexed();
    }
  }

  private indexInfo(indexId: number): { dimensions: number } | undefined {
    return this.db
      .prepare<[number], { dimensions: number }>(`SELECT dimensions FROM embedding_indexes WHERE id = ? AND status <> 'retired'`)
      .get(indexId);
  }

  private liveIndexes(): Array<{ id: number; dimensions: number }> {
    return this.db
      .prepare<[], { id: number; dimensions: number }>(`SELECT id, dimensions FROM embedding_indexes WHERE status <> 'retired'`)
      .all();
  }

  /** The version's vector count, counted again once a few thousand changes have gone by. */
  private vectorCount(indexId: number, fresh = false): number {
    const seq = lastVectorChange(this.db);
    const cached = this.counts.get(indexId);
    if (!fresh && cached && seq - cached.seq < 2_000) return cached.count;
    const row = this.db.prepare<[], { count: number }>(`SELECT COUNT(*) AS count FROM ${vectorTableName(indexId)}`).get();
    const count = row?.count ?? 0;
    this.counts.set(indexId, { count, seq });
    return count;
  }

  private hasChangesAfter(indexId: number, seq: number): boolean {
    return (
      this.db
        .prepare<[number, number], { one: number }>('SELECT 1 AS one FROM vector_changes WHERE index_id = ? AND seq > ? LIMIT 1')
        .get(indexId, seq) !== undefined
    );
  }

  /** Applies up to `limit` logged changes; `state.behind` says whether more are left. Replaying a change twice is harmless. */
  private applyChanges(indexId: number, state: Ready, limit: number): void {
    const changes = this.db
      .prepare<[number, number, number], { seq: number; chunk_id: number; removed: number }>(
        'SELECT seq, chunk_id, removed FROM vector_changes WHERE index_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(indexId, state.seq, limit + 1);
    const lookup = this.db.prepare<[bigint], { embedding: Buffer }>(`SELECT embedding FROM ${vectorTableName(indexId)} WHERE chunk_id = ?`);
    // New keys are added together at the end, on every core (a bulk load's catch-up is mostly these).
    const pending = new Map<number, Float32Array>();
    for (const change of changes.slice(0, limit)) {
      const key = BigInt(change.chunk_id);
      const inGraph = state.index.contains(key);
      state.overlay.delete(change.chunk_id);
      pending.delete(change.chunk_id);
      if (inGraph) state.tombstones.add(change.chunk_id);
      // A written vector is read back from the table: one deleted since is simply not there.
      const row = change.removed ? undefined : lookup.get(key);
      if (row) {
        const vector = toFloats(row.embedding, state.dimensions);
        if (inGraph || state.viewed) state.overlay.set(change.chunk_id, vector);
        else pending.set(change.chunk_id, vector);
      }
      state.seq = change.seq;
      state.dirty = true;
    }
    if (pending.size > 0) {
      const matrix = new Float32Array(pending.size * state.dimensions);
      [...pending.values()].forEach((vector, i) => matrix.set(vector, i * state.dimensions));
      state.index.add(BigUint64Array.from([...pending.keys()].map(BigInt)), matrix, pending.size > 1 ? BUILD_THREADS : 1);
    }
    state.behind = changes.length > limit;
    if (state.viewed && state.overlay.size >= UNMAP_AT_OVERLAY) this.unmap(state, indexId);
  }

  private catchUp(indexId: number, state: Ready): void {
    if (state.catchingUp) return;
    state.catchingUp = true;
    const step = () => {
      if (this.states.get(indexId) !== state) return;
      try {
        this.applyChanges(indexId, state, STEP);
      } catch {
        state.catchingUp = false;
        return;
      }
      if (state.behind) {
        setImmediate(step);
        return;
      }
      state.catchingUp = false;
      if (state.verify) {
        state.verify = false;
        // A file that does not match the table (an older copy, a crash mid-way) is built again.
        if (liveCount(state) !== this.vectorCount(indexId, true)) {
          this.discard(indexId);
          this.startBuild(indexId, state.dimensions);
          return;
        }
      }
      if (this.needsRebuild(state)) {
        this.discard(indexId);
        this.startBuild(indexId, state.dimensions);
      } else if (state.dirty && Date.now() - state.lastSave >= SAVE_EVERY_MS) this.save(indexId, state);
    };
    setImmediate(step);
  }

  /** Many dead keys slow the graph and cost overfetch; many exact extras cost time: build afresh (searched exactly meanwhile). */
  private needsRebuild(state: Ready): boolean {
    return state.tombstones.size > REBUILD_DEAD_SHARE * state.index.size() || state.overlay.size > REBUILD_OVERLAY;
  }

  private startBuild(indexId: number, dimensions: number): void {
    const failed = this.failedAt.get(indexId);
    if (this.states.has(indexId) || (failed !== undefined && Date.now() - failed < RETRY_BUILD_MS)) return;
    // A connection of its own holds one read transaction for the whole build: the rows read and the
    // change number taken at its start describe the same moment; later changes come from the log.
    const reader = new Database(this.options.filePath, { readonly: true, fileMustExist: true, timeout: 30_000 });
    let state: Building;
    try {
      sqliteVec.load(reader);
      reader.exec('BEGIN');
      const startSeq = lastVectorChange(reader);
      const rows = reader
        .prepare<[], { chunk_id: number | bigint; embedding: Buffer }>(`SELECT chunk_id, embedding FROM ${vectorTableName(indexId)}`)
        .iterate();
      state = { kind: 'building', index: new Index({ dimensions, ...HNSW }), dimensions, startSeq, reader, rows, startedAt: Date.now() };
    } catch {
      // Searched exactly meanwhile; tried again after a while.
      closeQuietly(reader);
      this.failedAt.set(indexId, Date.now());
      return;
    }
    this.states.set(indexId, state);
    const step = () => {
      if (this.states.get(indexId) !== state) return;
      try {
        // The version was retired or its project purged meanwhile.
        if (!this.indexInfo(indexId)) throw new Error('index gone');
        const keys: bigint[] = [];
        const vectors = new Float32Array(BUILD_STEP * dimensions);
        const bytes = new Uint8Array(vectors.buffer);
        while (keys.length < BUILD_STEP) {
          const next = state.rows.next();
          if (next.done) break;
          bytes.set(next.value.embedding.subarray(0, dimensions * 4), keys.length * dimensions * 4);
          keys.push(BigInt(next.value.chunk_id));
        }
        if (keys.length > 0) state.index.add(BigUint64Array.from(keys), vectors.subarray(0, keys.length * dimensions), BUILD_THREADS);
        if (keys.length === BUILD_STEP) {
          setImmediate(step);
          return;
        }
        reader.exec('COMMIT');
        closeQuietly(reader);
        const ready: Ready = {
          kind: 'ready',
          index: state.index,
          dimensions,
          seq: state.startSeq,
          savedSeq: 0,
          dirty: true,
          lastSave: 0,
          verify: false,
          tombstones: new Set(),
          overlay: new Map(),
          behind: true,
          catchingUp: false,
          viewed: false,
        };
        this.states.set(indexId, ready);
        this.save(indexId, ready);
        this.catchUp(indexId, ready);
      } catch {
        stopBuild(state);
        if (this.states.get(indexId) === state) this.states.delete(indexId);
        this.failedAt.set(indexId, Date.now());
      }
    };
    setImmediate(step);
  }

  /**
   * Starts loading a saved index if its file looks whole and belongs to this database (its length,
   * vector count and header: a cheap look); false when there is none to use. The file is then hashed
   * in steps against its SHA-1, which usearch itself never checks, and memory-mapped once it matches:
   * searches are answered exactly until then, and changes made meanwhile are replayed from the log.
   */
  private load(indexId: number, dimensions: number): boolean {
    const metaFile = this.metaFile(indexId);
    if (!fs.existsSync(metaFile)) return false;
    let fd: number | undefined;
    try {
      const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Partial<Meta>;
      const usable =
        meta.format === FORMAT &&
        meta.indexId === indexId &&
        meta.dimensions === dimensions &&
        typeof meta.seq === 'number' &&
        typeof meta.size === 'number' &&
        typeof meta.sha1 === 'string' &&
        Array.isArray(meta.tombstones) &&
        Array.isArray(meta.overlay) &&
        // A file newer than the database's log was saved against another copy of the database.
        meta.seq <= lastVectorChange(this.db);
      if (!usable) throw new Error('stale index file');
      fd = fs.openSync(this.indexFile(indexId), 'r');
      const fileBytes = fs.fstatSync(fd).size;
      if (meta.fileBytes !== undefined && meta.fileBytes !== fileBytes) throw new Error('truncated index file');
      if (!hasUsearchLayout(fd, fileBytes, meta.size!, dimensions)) throw new Error('damaged index file');
      this.states.set(indexId, {
        kind: 'loading',
        dimensions,
        meta: meta as Meta,
        fd,
        fileBytes,
        offset: 0,
        hash: createHash('sha1'),
        startedAt: Date.now(),
      });
      const opened = fd;
      fd = undefined;
      setImmediate(() => this.verifyStep(indexId, opened));
      return true;
    } catch {
      if (fd !== undefined) fs.closeSync(fd);
      this.removeFiles(indexId);
      return false;
    }
  }

  /** Hashes the next piece of a file being loaded; maps it once the whole file matches its SHA-1. */
  private verifyStep(indexId: number, fd: number): void {
    const state = this.states.get(indexId);
    if (state?.kind !== 'loading' || state.fd !== fd) return;
    try {
      const buffer = Buffer.allocUnsafe(Math.min(this.options.verifyStepBytes ?? VERIFY_STEP_BYTES, state.fileBytes - state.offset));
      const read = buffer.length > 0 ? fs.readSync(fd, buffer, 0, buffer.length, state.offset) : 0;
      state.hash.update(buffer.subarray(0, read));
      state.offset += read;
      if (read > 0 && state.offset < state.fileBytes) {
        setImmediate(() => this.verifyStep(indexId, fd));
        return;
      }
      fs.closeSync(fd);
      const { meta, dimensions } = state;
      if (state.hash.digest('hex') !== meta.sha1) throw new Error('damaged index file');
      const index = new Index({ dimensions, ...HNSW });
      index.view(this.indexFile(indexId));
      if (index.size() !== meta.size) throw new Error('truncated index file');
      const lookup = this.db.prepare<[bigint], { embedding: Buffer }>(
        `SELECT embedding FROM ${vectorTableName(indexId)} WHERE chunk_id = ?`,
      );
      const overlay = new Map<number, Float32Array>();
      for (const chunkId of meta.overlay) {
        const row = lookup.get(BigInt(chunkId));
        if (row) overlay.set(chunkId, toFloats(row.embedding, dimensions));
      }
      const ready: Ready = {
        kind: 'ready',
        index,
        dimensions,
        seq: meta.seq,
        savedSeq: meta.seq,
        dirty: false,
        lastSave: Date.now(),
        verify: true,
        tombstones: new Set(meta.tombstones.map(Number)),
        overlay,
        behind: true,
        catchingUp: false,
        viewed: true,
      };
      this.states.set(indexId, ready);
      // A file saved before its length was kept gets it now: the next start can tell a truncated one at once.
      if (meta.fileBytes === undefined) this.writeMeta(indexId, { ...meta, fileBytes: state.fileBytes });
      this.catchUp(indexId, ready);
    } catch {
      closeFd(fd);
      this.states.delete(indexId);
      this.removeFiles(indexId);
      if (this.vectorCount(indexId) >= this.options.minVectors) this.startBuild(indexId, state.dimensions);
    }
  }

  /**
   * A mapped index cannot take new vectors: once enough wait aside, a writable copy is read from the
   * same file (one blocking read: ~1 s per GB) and takes them.
   */
  private unmap(state: Ready, indexId: number): void {
    const index = new Index({ dimensions: state.dimensions, ...HNSW });
    index.load(this.indexFile(indexId));
    if (index.size() !== state.index.size()) throw new Error('the index file changed');
    const keys: bigint[] = [];
    const vectors: Float32Array[] = [];
    for (const [chunkId, vector] of state.overlay) {
      if (index.contains(BigInt(chunkId))) continue;
      keys.push(BigInt(chunkId));
      vectors.push(vector);
    }
    if (keys.length > 0) {
      const matrix = new Float32Array(keys.length * state.dimensions);
      vectors.forEach((vector, i) => matrix.set(vector, i * state.dimensions));
      index.add(BigUint64Array.from(keys), matrix, BUILD_THREADS);
      for (const key of keys) state.overlay.delete(Number(key));
    }
    state.index = index;
    state.viewed = false;
  }

  /** Writes the index and then its description, each by rename: a crash leaves the previous pair or a newer index with an older description, which replays idempotently. */
  private save(indexId: number, state: Ready): void {
    fs.mkdirSync(this.options.dir, { recursive: true });
    const file = this.indexFile(indexId);
    state.index.save(`${file}.tmp`);
    const sha1 = fileSha1(`${file}.tmp`);
    fs.renameSync(`${file}.tmp`, file);
    const meta: Meta = {
      format: FORMAT,
      indexId,
      dimensions: state.dimensions,
      seq: state.seq,
      size: state.index.size(),
      tombstones: [...state.tombstones],
      overlay: [...state.overlay.keys()],
      sha1,
      fileBytes: fs.statSync(file).size,
      savedAt: new Date().toISOString(),
    };
    this.writeMeta(indexId, meta);
    state.savedSeq = state.seq;
    state.dirty = false;
    state.lastSave = Date.now();
    this.prune(indexId, state.savedSeq);
  }

  private writeMeta(indexId: number, meta: Meta): void {
    fs.writeFileSync(`${this.metaFile(indexId)}.tmp`, JSON.stringify(meta));
    fs.renameSync(`${this.metaFile(indexId)}.tmp`, this.metaFile(indexId));
  }

  /** Log rows of versions without an index (small, or not built yet) are of no use: a build reads the table itself. */
  private pruneUnindexed(): void {
    const through = lastVectorChange(this.db);
    for (const { id } of this.liveIndexes()) if (!this.states.has(id)) this.prune(id, through);
  }

  /** In pages, each its own short write, so the main connection's writes are never held up for long. */
  private prune(indexId: number, through: number): void {
    const page = this.db.prepare(
      'DELETE FROM vector_changes WHERE seq IN (SELECT seq FROM vector_changes WHERE index_id = ? AND seq <= ? LIMIT ?)',
    );
    while (page.run(indexId, through, PRUNE_PAGE).changes === PRUNE_PAGE) {
      // next page
    }
  }

  private discard(indexId: number): void {
    this.states.delete(indexId);
    this.removeFiles(indexId);
  }

  private removeFiles(indexId: number): void {
    fs.rmSync(this.indexFile(indexId), { force: true });
    fs.rmSync(this.metaFile(indexId), { force: true });
  }

  private indexFile(indexId: number): string {
    return path.join(this.options.dir, `index-${indexId}.usearch`);
  }

  private metaFile(indexId: number): string {
    return path.join(this.options.dir, `index-${indexId}.json`);
  }
}

/** What the index answers for: the graph's keys less the dead ones, plus the exact extras. */
function liveCount(state: Ready): number {
  return state.index.size() - state.tombstones.size + state.overlay.size;
}

/**
 * Nearest live keys: the graph is asked for more than `limit` so that dead keys can be skipped (they
 * are at most a tenth of it, see needsRebuild), and again for more if too many were dead.
 */
function searchIndex(state: Ready, query: Float32Array, limit: number): Match[] {
  const size = state.index.size();
  let wanted = Math.min(size, limit + Math.max(8, limit));
  let matches: Match[] = [];
  while (wanted > 0) {
    const found = state.index.search(query, wanted, 1);
    matches = [];
    for (let i = 0; i < found.keys.length; i += 1) {
      const chunkId = Number(found.keys[i]);
      if (!state.tombstones.has(chunkId) && !state.overlay.has(chunkId))
        matches.push({ chunkId, distance: Math.max(0, found.distances[i]!) });
    }
    if (matches.length >= limit || wanted >= size) break;
    wanted = Math.min(size, wanted * 4);
  }
  for (const [chunkId, vector] of state.overlay) matches.push({ chunkId, distance: cosineDistance(query, vector) });
  return matches.sort((a, b) => a.distance - b.distance).slice(0, limit);
}

function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA === 0 || normB === 0 ? 1 : 1 - dot / Math.sqrt(normA * normB);
}

function fileSha1(file: string): string {
  const hash = createHash('sha1');
  const buffer = Buffer.alloc(8 << 20);
  const fd = fs.openSync(file, 'r');
  try {
    for (let read = fs.readSync(fd, buffer); read > 0; read = fs.readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** A vec0 blob as floats (copied: the blob's offset need not be aligned to 4). */
function toFloats(blob: Buffer, dimensions: number): Float32Array {
  const floats = new Float32Array(dimensions);
  new Uint8Array(floats.buffer).set(blob.subarray(0, dimensions * 4));
  return floats;
}

/**
 * usearch's layout: the vectors as a matrix (rows and row bytes as two u32, then f16 rows), then the
 * graph, which starts with the magic "usearch".
 */
function hasUsearchLayout(fd: number, fileBytes: number, size: number, dimensions: number): boolean {
  const head = Buffer.alloc(8);
  if (fs.readSync(fd, head, 0, 8, 0) !== 8 || head.readUInt32LE(0) !== size || head.readUInt32LE(4) !== dimensions * 2) return false;
  const graphAt = 8 + size * dimensions * 2;
  const magic = Buffer.alloc(USEARCH_MAGIC.length);
  return (
    graphAt + magic.length <= fileBytes && fs.readSync(fd, magic, 0, magic.length, graphAt) === magic.length && magic.equals(USEARCH_MAGIC)
  );
}

function closeFd(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed.
  }
}

function stopBuild(state: Building): void {
  state.rows.return?.();
  closeQuietly(state.reader);
}

function closeQuietly(db: Database.Database): void {
  try {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  } catch {
    // Already closed.
  }
}
