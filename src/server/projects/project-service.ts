import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import { NotFoundError } from '../errors.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { ProjectRecord, ProjectStatistics, Store } from '../store/store.ts';

export interface ProjectCreateInput {
  name: string;
  description?: string | null;
  folderPath?: string | null;
  settings?: Record<string, unknown> | null;
}

export interface ProjectUpdateInput {
  name?: string;
  /** `null` clears it; absent leaves it. */
  description?: string | null;
  folderPath?: string | null;
  /** Merged key by key into the saved settings; a key set to `null` is removed. */
  settings?: Record<string, unknown> | null;
}

/**
 * Projects as the user sees them, free of any transport: create, list, update with the original's
 * key-by-key settings merge, soft and hard delete, statistics. Every call names its actor.
 */
export class ProjectService {
  constructor(
    private readonly deps: {
      store: Store;
      access: AccessPolicy;
      events: DomainEvents;
      /** Checks the keys that override global settings (ranges, models); throws a 4xx AppError. */
      settings: Pick<SettingsService, 'validateProjectOverrides'>;
      /** Lets go of a hard-deleted project's files, indexes and running jobs before the delete returns. */
      purge: (projectId: number) => Promise<void>;
    },
  ) {}

  async create(actor: Actor, input: ProjectCreateInput): Promise<ProjectRecord> {
    const { store, events, settings } = this.deps;
    await settings.validateProjectOverrides(input.settings ?? {}, {});
    const project = await store.projects.create({
      name: input.name,
      description: input.description ?? null,
      settings: { ...(input.settings ?? {}), ...(input.folderPath ? { folder_path: input.folderPath } : {}) },
    });
    // With accounts, the creator is the project's owner (before the announcement, so they hear it).
    if (actor.kind === 'user') await store.members.set(project.id, actor.userId, 'owner');
    events.publish({ type: 'projectCreated', projectId: project.id });
    return project;
  }

  /** The projects the actor may see: its memberships, or all for admins and without accounts. */
  async list(actor: Actor, options: { skip: number; limit: number; includeDeleted: boolean }): Promise<ProjectRecord[]> {
    return this.deps.store.projects.list({ ...options, ...this.deps.access.projectListScope(actor) });
  }

  /**
   * The live project with this name, or undefined. Names are unique without regard to ASCII case, as
   * the store's index compares them; an exact match wins over a case-insensitive one.
   */
  async findByName(actor: Actor, name: string): Promise<ProjectRecord | undefined> {
    const pageSize = 1_000;
    let folded: ProjectRecord | undefined;
    for (let skip = 0; ; skip += pageSize) {
      const page = await this.list(actor, { skip, limit: pageSize, includeDeleted: false });
      const exact = page.find((project) => project.name === name);
      if (exact) return exact;
      folded ??= page.find((project) => foldAsciiCase(project.name) === foldAsciiCase(name));
      if (page.length < pageSize) return folded;
    }
  }

  get(actor: Actor, projectId: number): Promise<ProjectRecord> {
    return this.deps.access.requireProject(actor, projectId, 'read');
  }

  /**
   * Settings are merged key by key, as the original did (`null` clears a key). The merge happens in
   * the store's transaction, not here: two updates at once, from any process, keep both their keys,
   * and the checks that span keys (overlap below chunk size) run on the merged result inside it.
   */
  async update(actor: Actor, projectId: number, input: ProjectUpdateInput): Promise<ProjectRecord> {
    const { store, access, events, settings } = this.deps;
    const current = await access.requireProject(actor, projectId, 'write');
    // Settings are the editors'; renaming (name, description) is the owner's.
    const renames =
      (input.name !== undefined && input.name !== current.name) ||
      (input.description !== undefined && (input.description ?? null) !== current.description);
    if (renames) await access.requireProject(actor, projectId, 'owner');
    const changes: Record<string, unknown> = { ...(input.settings ?? {}) };
    const changed = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== null));
    // Ranges and models (a model check may wait on Ollama, so it runs before the transaction).
    const verify = await settings.validateProjectOverrides(changed, current.settings);
    if (input.folderPath !== undefined) changes.folder_path = input.folderPath;
    const project = await store.projects.update(projectId, {
      name: input.name,
      description: input.description,
      settings: changes,
      verify,
    });
    if (!project) throw new NotFoundError(`Project ${projectId} not found`);
    events.publish({ type: 'projectUpdated', projectId, name: project.name });
    return project;
  }

  /** Soft delete hides the project; hard delete removes it, its documents' files and indexes for good. */
  async delete(actor: Actor, projectId: number, options: { hard: boolean }): Promise<void> {
    const { store, access, events, purge } = this.deps;
    await access.requireProject(actor, projectId, 'owner', { includeDeleted: options.hard });
    if (options.hard) {
      await store.projects.hardDelete(projectId);
      await purge(projectId);
    } else {
      await store.projects.softDelete(projectId);
    }
    events.publish({ type: 'projectDeleted', projectId });
  }

  async statistics(actor: Actor, projectId: number): Promise<{ project: ProjectRecord; statistics: ProjectStatistics }> {
    const project = await this.deps.access.requireProject(actor, projectId, 'read');
    return { project, statistics: await this.deps.store.projects.statistics(project.id) };
  }
}

/** SQLite's NOCASE folds ASCII letters only. */
function foldAsciiCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
