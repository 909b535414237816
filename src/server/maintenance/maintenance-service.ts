import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import type { Store } from '../store/store.ts';
import { storageFigures, storedFiles } from './upload-files.ts';

/**
 * A stored file younger than this is never an orphan: an upload is renamed into its folder just
 * before its document row is written, and a crash-free server finishes that within milliseconds.
 */
export const ORPHAN_FILE_MIN_AGE_MS = 10 * 60_000;

/**
 * The original's maintenance routes, for administrators only: storage figures, what the vector store
 * holds, a recount of stored counts, and the removal of orphaned vectors and files (which a crash
 * between two deletes, or a purge whose cleanup was cut short, leaves behind).
 */
export class MaintenanceService {
  constructor(private readonly deps: { store: Store; access: AccessPolicy; uploadDir: string; logger: Logger; now?: () => number }) {}

  async storageStats(actor: Actor) {
    this.deps.access.requireAdmin(actor);
    return this.fileStorage();
  }

  async status(actor: Actor) {
    this.deps.access.requireAdmin(actor);
    const storage = await this.deps.store.maintenance.vectorStorage();
    return {
      vectorstore_stats: {
        total_collections: storage.length,
        collections: storage.map((index) => ({
          name: collectionName(index.projectId, index.indexId),
          metadata: {
            project_id: index.projectId,
            project_name: index.projectName,
            provider: index.provider,
            model: index.model,
            dimensions: index.dimensions,
            status: index.status as 'building' | 'active',
          },
          count: index.vectors,
        })),
      },
      file_storage_stats: await this.fileStorage(),
    };
  }

  async recalculateCounts(actor: Actor) {
    this.deps.access.requireAdmin(actor);
    try {
      const recount = await this.deps.store.maintenance.recountChunks();
      const projects = recount.map((row) => ({
        project_id: row.projectId,
        project_name: row.projectName,
        old_count: row.documentCount,
        new_count: row.documentCount,
        updated: row.oldChunkCount !== row.newChunkCount,
        old_chunk_count: row.oldChunkCount,
        new_chunk_count: row.newChunkCount,
      }));
      const updated = projects.filter((project) => project.updated).length;
      return {
        status: 'success' as const,
        total_projects: projects.length,
        updated_projects: updated,
        projects,
        message: `Recalculated counts for ${projects.length} projects, ${updated} updated`,
      };
    } catch (error) {
      this.deps.logger.error({ err: error }, 'recalculating counts failed');
      return { status: 'error' as const, total_projects: 0, updated_projects: 0, projects: [], message: 'Failed to recalculate counts' };
    }
  }

  async cleanupVectorstore(actor: Actor) {
    this.deps.access.requireAdmin(actor);
    const { store } = this.deps;
    try {
      const vectors = await store.maintenance.removeOrphanVectors();
      const files = await this.removeOrphanFiles();
      const active = (await store.maintenance.vectorStorage()).map((index) => collectionName(index.projectId, index.indexId));
      const items = vectors.vectors + vectors.indexes + files.count;
      const bytes = vectors.bytes + files.bytes;
      return {
        status: 'success' as const,
        cleaned_items: items,
        cleaned_size_bytes: bytes,
        active_collections: active,
        message: `Successfully cleaned up ${items} orphaned items, freed ${(bytes / 1024 / 1024).toFixed(2)} MB of disk space`,
        orphaned_vectors: vectors.vectors,
        orphaned_indexes: vectors.indexes,
        orphaned_files: files.count,
      };
    } catch (error) {
      this.deps.logger.error({ err: error }, 'vector store cleanup failed');
      return {
        status: 'error' as const,
        cleaned_items: 0,
        cleaned_size_bytes: 0,
        active_collections: [],
        message: 'Cleanup failed',
        orphaned_vectors: 0,
        orphaned_indexes: 0,
        orphaned_files: 0,
      };
    }
  }

  private async fileStorage() {
    let files = 0;
    let bytes = 0;
    for await (const file of storedFiles(this.deps.uploadDir)) {
      files += 1;
      bytes += file.size;
    }
    return storageFigures(files, bytes);
  }

  /**
   * Files in a folder of no project, or that no document of their project names; never those of a
   * project being imported, nor any younger than `ORPHAN_FILE_MIN_AGE_MS`. Emptied project folders go too.
   */
  private async removeOrphanFiles(): Promise<{ count: number; bytes: number }> {
    const { store, uploadDir } = this.deps;
    const now = this.deps.now?.() ?? Date.now();
    const projects = new Set((await store.maintenance.projectIds()).map(String));
    const importing = new Set((await store.archive.unfinishedImports()).map(String));
    const storedNames = new Map<string, Set<string>>();
    const emptied = new Set<string>();
    let count = 0;
    let bytes = 0;
    for await (const file of storedFiles(uploadDir)) {
      if (importing.has(file.folder) || now - file.modifiedMs < ORPHAN_FILE_MIN_AGE_MS) continue;
      if (projects.has(file.folder)) {
        let names = storedNames.get(file.folder);
        if (!names) {
          names = new Set(await store.documents.listStoredNames(Number(file.folder)));
          storedNames.set(file.folder, names);
        }
        if (names.has(file.name) && path.dirname(file.path) === path.join(uploadDir, file.folder)) continue;
      }
      await fs.rm(file.path, { force: true });
      count += 1;
      bytes += file.size;
      if (file.folder && !projects.has(file.folder)) emptied.add(file.folder);
    }
    // A folder of no project: removed once nothing (younger) is left in it.
    for (const folder of emptied) await fs.rmdir(path.join(uploadDir, folder)).catch(() => undefined);
    return { count, bytes };
  }
}

function collectionName(projectId: number, indexId: number): string {
  return `project_${projectId}_index_${indexId}`;
}
