import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { ProjectMemberRecord, ProjectRole } from '../store/account-store.ts';
import type { Store } from '../store/store.ts';

/**
 * Who belongs to a project and with which role. Listing needs read access; changes need the owner
 * permission. A project keeps at least one owner. Removing a member announces `accessRevoked`, so
 * that user's live sockets leave the project room at once.
 */
export class MembershipService {
  constructor(private readonly deps: { store: Store; access: AccessPolicy; events: DomainEvents }) {}

  async list(actor: Actor, projectId: number): Promise<ProjectMemberRecord[]> {
    await this.deps.access.requireProject(actor, projectId, 'read');
    return this.deps.store.members.list(projectId);
  }

  /** Adds the user or changes their role. `user` is an id or an email. */
  async set(actor: Actor, projectId: number, user: { id: number } | { email: string }, role: ProjectRole): Promise<ProjectMemberRecord> {
    const { store, access } = this.deps;
    await access.requireProject(actor, projectId, 'owner');
    const target = 'id' in user ? await store.users.findById(user.id) : await this.findByEmail(user.email);
    if (!target) throw new NotFoundError('No such user');
    const current = await store.members.roleOf(projectId, target.id);
    if (current === 'owner' && role !== 'owner' && (await store.members.countOwners(projectId)) <= 1) {
      throw new ConflictError('A project keeps at least one owner; make someone else owner first');
    }
    await store.members.set(projectId, target.id, role);
    return (await store.members.list(projectId)).find((member) => member.userId === target.id)!;
  }

  async remove(actor: Actor, projectId: number, userId: number): Promise<void> {
    const { store, access, events } = this.deps;
    await access.requireProject(actor, projectId, 'owner');
    const current = await store.members.roleOf(projectId, userId);
    if (!current) throw new NotFoundError(`User ${userId} is not a member of this project`);
    if (current === 'owner' && (await store.members.countOwners(projectId)) <= 1) {
      throw new ConflictError('A project keeps at least one owner; make someone else owner first');
    }
    await store.members.remove(projectId, userId);
    events.publish({ type: 'accessRevoked', scope: 'project', userId, projectId });
  }

  /** The creator of a project becomes its owner (nothing to do without accounts). */
  async addCreator(actor: Actor, projectId: number): Promise<void> {
    if (actor.kind === 'user') await this.deps.store.members.set(projectId, actor.userId, 'owner');
  }

  /** Who hears a project's changes in lists (`projects_changed`): its members. */
  memberUserIds(projectId: number): Promise<number[]> {
    return this.deps.store.members.userIds(projectId);
  }

  private async findByEmail(email: string) {
    if (!email.trim()) throw new BadRequestError('Give an email');
    const found = await this.deps.store.users.findByEmailWithSecret(email.trim());
    if (!found) return undefined;
    const { passwordHash: _secret, ...user } = found;
    return user;
  }
}
