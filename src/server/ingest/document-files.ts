import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { InstancePresence } from '../cluster/instance-presence.ts';

/**
 * Where uploaded files live: `<uploadDir>/<project id>/<uuid>.<type>`, names generated here, never
 * taken from the client. Uploads stream to `<dataDir>/tmp/uploads` first (same filesystem, so
 * adopting a file is a rename).
 */
export class DocumentFiles {
  readonly tempDir: string;
  private readonly tempRoot: string;

  constructor(
    private readonly uploadDir: string,
    dataDir: string,
    /** Processes sharing the data dir (REDIS_URL): each receives into its own folder, named after it. */
    private readonly presence?: InstancePresence,
  ) {
    this.tempRoot = path.join(dataDir, 'tmp', 'uploads');
    this.tempDir = presence ? path.join(this.tempRoot, presence.name) : this.tempRoot;
  }

  /**
   * `removeLeftoverUploads` only in the process that owns the data dir: another one may be receiving
   * uploads. With processes sharing it, only the folders of processes that are gone are removed.
   */
  async init(options: { removeLeftoverUploads: boolean }): Promise<void> {
    await fs.mkdir(this.uploadDir, { recursive: true });
    // Leftovers of uploads cut short by a crash.
    if (options.removeLeftoverUploads) {
      if (this.presence) await this.presence.removeFoldersOfGoneProcesses(this.tempRoot);
      else await fs.rm(this.tempDir, { recursive: true, force: true });
    }
    await fs.mkdir(this.tempDir, { recursive: true });
  }

  newTempPath(): string {
    return path.join(this.tempDir, `${randomUUID()}.part`);
  }

  newStoredName(fileType: string): string {
    return `${randomUUID()}.${fileType}`;
  }

  pathOf(projectId: number, storedName: string): string {
    if (!/^[0-9a-f-]{36}\.[a-z]{2,5}$/.test(storedName)) throw new Error('invalid stored name');
    return path.join(this.projectDir(projectId), storedName);
  }

  async adopt(tempPath: string, projectId: number, storedName: string): Promise<void> {
    await fs.mkdir(this.projectDir(projectId), { recursive: true });
    await fs.rename(tempPath, this.pathOf(projectId, storedName));
  }

  async remove(projectId: number, storedName: string | null): Promise<void> {
    if (storedName) await fs.rm(this.pathOf(projectId, storedName), { force: true });
  }

  async removeTemp(tempPath: string): Promise<void> {
    await fs.rm(tempPath, { force: true });
  }

  async removeProject(projectId: number): Promise<void> {
    await fs.rm(this.projectDir(projectId), { recursive: true, force: true });
  }

  private projectDir(projectId: number): string {
    if (!Number.isSafeInteger(projectId) || projectId <= 0) throw new Error('invalid project id');
    return path.join(this.uploadDir, String(projectId));
  }
}
