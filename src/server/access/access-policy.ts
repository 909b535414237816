import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { ProjectRole } from '../store/account-store.ts';
import type { ChatRecord, DocumentRecord, ProjectRecord, Store } from '../store/store.ts';
import type { Actor, Permission } from './actor.ts';
import { roleAllows } from './project-roles.ts';

type Decision = 'allowed' | 'hidden' | 'forbidden';

/**
 * The one place that decides whether an actor may touch a project, chat or document, and the one
 * place that loads it for the edges. Missing and "not a member" throw the same NotFoundError, so ids
 * cannot be probed; a member whose role does not allow the action gets ForbiddenError. Chats are
 * private to the user who made them. Routes and socket handlers call this instead of checking
 * existence or rights themselves.
 */
export class AccessPolicy {
  constructor(private readonly deps: { store: Store }) {}

  async requireProject(
    actor: Actor,
    projectId: number,
    permission: Permission,
    /** Hard delete reaches projects that are already soft-deleted. */
    options: { includeDeleted?: boolean } = {},
  ): Promise<ProjectRecord> {
    const project = await this.deps.store.projects.findById(projectId, options);
    const decision = project ? await this.decideProject(actor, project.id, permission) : 'hidden';
    this.enforce(decision, `Project ${projectId} not found`);
    return project!;
  }

  /** A chat of a project the actor may read, made by the actor (chats are private to their creator). */
  async requireChat(actor: Actor, chatId: number, _permission: Permission): Promise<ChatRecord> {
    const chat = await this.deps.store.chats.findById(chatId);
    const notFound = `Chat ${chatId} not found`;
    if (!chat || !this.isChatOwner(actor, chat)) throw new NotFoundError(notFound);
    this.enforce(await this.decideProject(actor, chat.projectId, 'read'), notFound);
    return chat;
  }

  async requireDocument(actor: Actor, documentId: number, permission: Permission): Promise<DocumentRecord> {
    const document = await this.deps.store.documents.findById(documentId);
    const decision = document ? await this.decideProject(actor, document.projectId, permission) : 'hidden';
    this.enforce(decision, `Document ${documentId} not found`);
    return document!;
  }

  /**
   * What the actor may do in a project, as a role, for clients to show only what is allowed:
   * the member's role; admins and the local user have every right, so `owner`. Undefined: no access.
   */
  async effectiveRole(actor: Actor, projectId: number): Promise<ProjectRole | undefined> {
    if (this.isAdmin(actor) || actor.kind !== 'user') return 'owner';
    return (await this.deps.store.members.roleOf(projectId, actor.userId)) ?? undefined;
  }

  /** Users, global settings, model downloads and deletes: admins (and the local user) only. */
  requireAdmin(actor: Actor): void {
    if (!this.isAdmin(actor)) throw new ForbiddenError('Only an administrator may do this');
  }

  isAdmin(actor: Actor): boolean {
    return actor.kind === 'local' || actor.role === 'admin';
  }

  /** Which projects a listing shows: all for admins and the local user, else the actor's memberships. */
  projectListScope(actor: Actor): { memberUserId?: number } {
    return this.isAdmin(actor) || actor.kind !== 'user' ? {} : { memberUserId: actor.userId };
  }

  /** Which chats of a project a listing shows: every one without accounts, else the actor's own. */
  chatListScope(actor: Actor): { createdBy?: number } {
    return actor.kind === 'user' ? { createdBy: actor.userId } : {};
  }

  private isChatOwner(actor: Actor, chat: ChatRecord): boolean {
    if (actor.kind === 'local') return true;
    // Chats made before accounts were turned on have no creator: only admins see them.
    return chat.createdBy === null ? actor.role === 'admin' : chat.createdBy === actor.userId;
  }

  private async decideProject(actor: Actor, projectId: number, permission: Permission): Promise<Decision> {
    if (this.isAdmin(actor) || actor.kind !== 'user') return 'allowed';
    const role = await this.deps.store.members.roleOf(projectId, actor.userId);
    if (!role) return 'hidden';
    return roleAllows(role, permission) ? 'allowed' : 'forbidden';
  }

  private enforce(decision: Decision, notFoundMessage: string): void {
    if (decision === 'hidden') throw new NotFoundError(notFoundMessage);
    if (decision === 'forbidden') throw new ForbiddenError('Your role in this project does not allow this');
  }
}
