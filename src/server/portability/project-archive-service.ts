import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import type { PortabilityContext } from './portability-context.ts';
import { exportProject, type ProjectExport } from './project-export.ts';
import { importProject } from './project-import.ts';

/** One-file project export / import for every edge (REST, command line), behind the access policy. */
export class ProjectArchiveService {
  constructor(private readonly dependencies: { access: AccessPolicy; context: PortabilityContext }) {}

  /** The project as a zip stream (docs/project-archive.md); the actor must be able to read it. */
  async export(actor: Actor, projectId: number): Promise<ProjectExport> {
    const project = await this.dependencies.access.requireProject(actor, projectId, 'read');
    return exportProject(this.dependencies.context, { projectId: project.id });
  }

  /** A checked archive on disk becomes a new project (named `name`, or the archive's name made unique). */
  async import(actor: Actor, options: { archivePath: string; name?: string }) {
    // With accounts, whoever imports a project owns it and its chats, as whoever creates them
    // (a chat without a creator would be an admin-only orphan).
    const outcome = await importProject(this.dependencies.context, {
      ...options,
      chatsCreatedBy: actor.kind === 'user' ? actor.userId : null,
    });
    if (actor.kind === 'user') await this.dependencies.context.store.members.set(outcome.project.id, actor.userId, 'owner');
    return outcome;
  }
}
