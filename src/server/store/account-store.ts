/** Users, their credentials (sessions and API keys) and project memberships, behind the Store. */

export type UserRole = 'admin' | 'user';
export type ProjectRole = 'owner' | 'editor' | 'viewer';
/** A sign-in session (`session`) or a named, long-lived API key (`api_key`). */
export type CredentialKind = 'session' | 'api_key';

export interface UserRecord {
  id: number;
  email: string;
  name: string | null;
  role: UserRole;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A user with the stored password hash: only the account service reads this. */
export interface UserWithSecret extends UserRecord {
  passwordHash: string;
}

export interface UserRepository {
  count(): Promise<number>;
  /** Throws ConflictError when the email is taken (case-insensitive). */
  create(input: { email: string; name: string | null; role: UserRole; passwordHash: string }): Promise<UserRecord>;
  findById(id: number): Promise<UserRecord | undefined>;
  findByEmailWithSecret(email: string): Promise<UserWithSecret | undefined>;
  findByIdWithSecret(id: number): Promise<UserWithSecret | undefined>;
  list(): Promise<UserRecord[]>;
  update(
    id: number,
    patch: { name?: string | null; role?: UserRole; disabled?: boolean; passwordHash?: string },
  ): Promise<UserRecord | undefined>;
  delete(id: number): Promise<boolean>;
  countActiveAdmins(): Promise<number>;
}

export interface CredentialRecord {
  id: number;
  userId: number;
  kind: CredentialKind;
  name: string | null;
  createdAt: string;
  /** ISO time; null never expires (API keys). */
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface CredentialRepository {
  /** `tokenHash` is the sha256 of the opaque token; the token itself is never stored. */
  create(input: {
    userId: number;
    kind: CredentialKind;
    name: string | null;
    tokenHash: string;
    expiresAt: string | null;
  }): Promise<CredentialRecord>;
  /** The credential with this hash, if it has not expired. */
  findLiveByHash(tokenHash: string, nowIso: string): Promise<CredentialRecord | undefined>;
  listByUser(userId: number, kind: CredentialKind): Promise<CredentialRecord[]>;
  /** Deletes one credential of a user; false when it is not theirs or gone. */
  delete(userId: number, id: number): Promise<boolean>;
  /** Deletes a user's credentials of a kind, but `exceptId`; returns the ids deleted. */
  deleteByUser(userId: number, kind: CredentialKind, exceptId?: number): Promise<number[]>;
  touch(id: number, nowIso: string): Promise<void>;
}

export interface ProjectMemberRecord {
  projectId: number;
  userId: number;
  role: ProjectRole;
  email: string;
  name: string | null;
}

export interface ProjectMemberRepository {
  roleOf(projectId: number, userId: number): Promise<ProjectRole | undefined>;
  list(projectId: number): Promise<ProjectMemberRecord[]>;
  /** Ids of users who are members of the project. */
  userIds(projectId: number): Promise<number[]>;
  set(projectId: number, userId: number, role: ProjectRole): Promise<void>;
  remove(projectId: number, userId: number): Promise<boolean>;
  countOwners(projectId: number): Promise<number>;
}
