import type { ProjectResponse } from '../../protocol/rest.ts';
import { useAuthMode, useCurrentUser } from '../api/accounts.ts';

/**
 * What the signed-in user may do, for showing only what is allowed (the server decides anyway).
 * A project's `my_role` comes from the API; without accounts it is absent and the local user may do
 * everything.
 */
export interface ProjectPermissions {
  /** Upload, delete and reprocess documents; project settings (editor, owner). */
  canEdit: boolean;
  /** Rename or delete the project; manage its members (owner). */
  canOwn: boolean;
}

export function projectPermissions(project: Pick<ProjectResponse, 'my_role'> | undefined): ProjectPermissions {
  const role = project?.my_role ?? 'owner';
  return { canEdit: role === 'owner' || role === 'editor', canOwn: role === 'owner' };
}

/** Whether accounts are on (members, users and sign-out only exist then). */
export function useAccountsOn(): boolean {
  return useAuthMode().data?.auth_mode === 'accounts';
}

/**
 * Whether the user may see users, global settings and model downloads: always without accounts;
 * with accounts, admins only.
 */
export function useIsAdmin(): boolean {
  const accountsOn = useAccountsOn();
  const me = useCurrentUser(accountsOn);
  return !accountsOn || me.data?.role === 'admin';
}
