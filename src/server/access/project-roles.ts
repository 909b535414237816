import type { ProjectRole } from '../store/account-store.ts';
import type { Permission } from './actor.ts';

/**
 * What each project role may do. viewer: see the project, its documents, search, chat (own chats);
 * editor: also documents and project settings; owner: also rename, delete, members.
 */
const PERMISSIONS_BY_ROLE: Record<ProjectRole, ReadonlySet<Permission>> = {
  viewer: new Set(['read']),
  editor: new Set(['read', 'write']),
  owner: new Set(['read', 'write', 'owner']),
};

export function roleAllows(role: ProjectRole, permission: Permission): boolean {
  return PERMISSIONS_BY_ROLE[role].has(permission);
}
