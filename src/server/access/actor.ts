/**
 * Who is asking. Without accounts every edge (HTTP, Socket.IO, the command line) acts as the single
 * local user; with accounts, a signed-in user or an API key's owner (`credentialId`: the session or
 * key it presented, so that logout can revoke exactly that one).
 */
export type Actor = { kind: 'local' } | { kind: 'user'; userId: number; role: 'admin' | 'user'; credentialId?: number };

/** What an actor wants to do with a project or chat: read it, change it, or own it (delete, share). */
export type Permission = 'read' | 'write' | 'owner';

/** The single user of an installation without accounts: may do everything. */
export const LOCAL_ACTOR: Actor = Object.freeze({ kind: 'local' });
