import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import { BadRequestError, ConflictError, NotFoundError, UnauthorizedError } from '../errors.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { CredentialRecord, UserRecord, UserRole } from '../store/account-store.ts';
import type { Store } from '../store/store.ts';
import { API_KEY_PREFIX, hashOpaqueToken, looksLikeOpaqueToken, newOpaqueToken, SESSION_TOKEN_PREFIX } from './opaque-token.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password-hash.ts';

/** The same words for an unknown email and a wrong password, so neither can be told apart. */
export const INVALID_LOGIN_MESSAGE = 'Wrong email or password';

export interface SignedIn {
  token: string;
  expiresAt: string;
  user: UserRecord;
}

/** Who a token belongs to, as the edges need it. */
export interface Authenticated {
  actor: Extract<Actor, { kind: 'user' }>;
  user: UserRecord;
  credential: CredentialRecord;
}

/**
 * Users and their credentials: sign-in (scrypt passwords, opaque session tokens stored as sha256),
 * API keys, the admin's user management, bootstrap. Revocations announce `accessRevoked`, so live
 * sockets follow at once. Passwords and tokens are never logged or returned (but a new token, once).
 */
export class AccountService {
  constructor(
    private readonly deps: {
      store: Store;
      access: AccessPolicy;
      events: DomainEvents;
      sessionTtlMs: number;
    },
  ) {}

  async hasUsers(): Promise<boolean> {
    return (await this.deps.store.users.count()) > 0;
  }

  /** Creates the first admin when there is no user yet; false (nothing done) otherwise. */
  async bootstrapAdmin(input: { email: string; password: string; name?: string | null }): Promise<UserRecord | undefined> {
    if (await this.hasUsers()) return undefined;
    return this.insertUser({ email: input.email, password: input.password, name: input.name ?? null, role: 'admin' });
  }

  async login(email: string, password: string): Promise<SignedIn> {
    const { store } = this.deps;
    const found = await store.users.findByEmailWithSecret(email.trim());
    // Verify even for an unknown email (against a decoy hash), so the answer takes as long.
    const valid = await verifyPassword(password, found?.passwordHash ?? (await decoyPasswordHash()));
    if (!found || !valid || found.disabled) throw new UnauthorizedError(INVALID_LOGIN_MESSAGE);
    const { passwordHash: _secret, ...user } = found;
    const { token, tokenHash } = newOpaqueToken(SESSION_TOKEN_PREFIX);
    const expiresAt = new Date(Date.now() + this.deps.sessionTtlMs).toISOString();
    await store.credentials.create({ userId: user.id, kind: 'session', name: null, tokenHash, expiresAt });
    return { token, expiresAt, user };
  }

  /** The user behind a session token or API key, or undefined (unknown, expired, revoked, disabled). */
  async authenticate(token: unknown): Promise<Authenticated | undefined> {
    if (!looksLikeOpaqueToken(token)) return undefined;
    const { store } = this.deps;
    const nowIso = new Date().toISOString();
    const credential = await store.credentials.findLiveByHash(hashOpaqueToken(token), nowIso);
    if (!credential) return undefined;
    const user = await store.users.findById(credential.userId);
    if (!user || user.disabled) return undefined;
    return { actor: { kind: 'user', userId: user.id, role: user.role, credentialId: credential.id }, user, credential };
  }

  /** Ends the session (or API key) the actor presented, at once. */
  async logout(actor: Actor): Promise<void> {
    if (actor.kind !== 'user' || actor.credentialId === undefined) return;
    await this.revokeCredential(actor.userId, actor.credentialId);
  }

  async me(actor: Actor): Promise<UserRecord> {
    return this.requireUser(actor);
  }

  /** Own name and password. A new password needs the current one and ends every other session. */
  async updateMe(actor: Actor, patch: { name?: string | null; password?: string; currentPassword?: string }): Promise<UserRecord> {
    const user = await this.requireUser(actor);
    if (patch.password !== undefined) {
      const withSecret = await this.deps.store.users.findByIdWithSecret(user.id);
      if (!patch.currentPassword || !withSecret || !(await verifyPassword(patch.currentPassword, withSecret.passwordHash))) {
        throw new BadRequestError('The current password is wrong');
      }
    }
    return this.applyUserPatch(user.id, { name: patch.name, password: patch.password }, actor);
  }

  // --- admin: users ---------------------------------------------------------------------------

  async createUser(actor: Actor, input: { email: string; password: string; name?: string | null; role: UserRole }): Promise<UserRecord> {
    this.deps.access.requireAdmin(actor);
    return this.insertUser({ ...input, name: input.name ?? null });
  }

  async listUsers(actor: Actor): Promise<UserRecord[]> {
    this.deps.access.requireAdmin(actor);
    return this.deps.store.users.list();
  }

  async updateUser(
    actor: Actor,
    userId: number,
    patch: { name?: string | null; role?: UserRole; disabled?: boolean; password?: string },
  ): Promise<UserRecord> {
    this.deps.access.requireAdmin(actor);
    const current = await this.deps.store.users.findById(userId);
    if (!current) throw new NotFoundError(`User ${userId} not found`);
    const losesAdmin = current.role === 'admin' && !current.disabled && (patch.role === 'user' || patch.disabled === true);
    if (losesAdmin && (await this.deps.store.users.countActiveAdmins()) <= 1) {
      throw new ConflictError('At least one active administrator must remain');
    }
    return this.applyUserPatch(userId, patch, actor);
  }

  async deleteUser(actor: Actor, userId: number): Promise<void> {
    this.deps.access.requireAdmin(actor);
    const current = await this.deps.store.users.findById(userId);
    if (!current) throw new NotFoundError(`User ${userId} not found`);
    if (current.role === 'admin' && !current.disabled && (await this.deps.store.users.countActiveAdmins()) <= 1) {
      throw new ConflictError('At least one active administrator must remain');
    }
    await this.deps.store.users.delete(userId);
    this.deps.events.publish({ type: 'accessRevoked', scope: 'user', userId });
  }

  // --- API keys -------------------------------------------------------------------------------

  /** A new API key; the key itself is returned this once and stored only as its hash. */
  async createApiKey(actor: Actor, name: string): Promise<{ credential: CredentialRecord; key: string }> {
    const user = await this.requireUser(actor);
    const { token, tokenHash } = newOpaqueToken(API_KEY_PREFIX);
    const credential = await this.deps.store.credentials.create({ userId: user.id, kind: 'api_key', name, tokenHash, expiresAt: null });
    return { credential, key: token };
  }

  async listApiKeys(actor: Actor): Promise<CredentialRecord[]> {
    const user = await this.requireUser(actor);
    return this.deps.store.credentials.listByUser(user.id, 'api_key');
  }

  async deleteApiKey(actor: Actor, keyId: number): Promise<void> {
    const user = await this.requireUser(actor);
    const keys = await this.deps.store.credentials.listByUser(user.id, 'api_key');
    if (!keys.some((key) => key.id === keyId)) throw new NotFoundError(`API key ${keyId} not found`);
    await this.revokeCredential(user.id, keyId);
  }

  // --- internals ------------------------------------------------------------------------------

  private async insertUser(input: { email: string; password: string; name: string | null; role: UserRole }): Promise<UserRecord> {
    return this.deps.store.users.create({
      email: input.email.trim(),
      name: input.name,
      role: input.role,
      passwordHash: await hashPassword(input.password),
    });
  }

  private async applyUserPatch(
    userId: number,
    patch: { name?: string | null; role?: UserRole; disabled?: boolean; password?: string },
    actor: Actor,
  ): Promise<UserRecord> {
    const { store, events } = this.deps;
    const before = await store.users.findById(userId);
    const updated = await store.users.update(userId, {
      name: patch.name,
      role: patch.role,
      disabled: patch.disabled,
      passwordHash: patch.password === undefined ? undefined : await hashPassword(patch.password),
    });
    if (!updated || !before) throw new NotFoundError(`User ${userId} not found`);
    if (updated.disabled || updated.role !== before.role) {
      // Every live connection of the user goes; their next request is checked afresh.
      if (updated.disabled) await store.credentials.deleteByUser(userId, 'session');
      events.publish({ type: 'accessRevoked', scope: 'user', userId });
    } else if (patch.password !== undefined) {
      // A new password ends the other sessions (the one that changed it stays signed in).
      const keep = actor.kind === 'user' && actor.userId === userId ? actor.credentialId : undefined;
      const ended = await store.credentials.deleteByUser(userId, 'session', keep);
      if (ended.length > 0) events.publish({ type: 'accessRevoked', scope: 'credentials', userId, credentialIds: ended });
    }
    return updated;
  }

  private async revokeCredential(userId: number, credentialId: number): Promise<void> {
    await this.deps.store.credentials.delete(userId, credentialId);
    this.deps.events.publish({ type: 'accessRevoked', scope: 'credentials', userId, credentialIds: [credentialId] });
  }

  private async requireUser(actor: Actor): Promise<UserRecord> {
    if (actor.kind !== 'user') throw new BadRequestError('Accounts are not turned on (AUTH_MODE=accounts)');
    const user = await this.deps.store.users.findById(actor.userId);
    if (!user || user.disabled) throw new UnauthorizedError('Sign in first');
    return user;
  }
}
