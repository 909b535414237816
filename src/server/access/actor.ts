/**
 * Who is asking. Accounts come later; until then every edge (HTTP, Socket.IO, the command line) acts as
 * the single local user, created in one place per edge.
 */
export type Actor = { kind: 'local' } | { kind: 'user'; userId: number; role: 'admin' | 'user' };

/** What an actor wants to do with a project or chat: read it, change it, or own it (delete, share). */
export type Permission = 'read' | 'write' | 'owner';

/** The single user of an installation without accounts: may do everything. */
export const LOCAL_ACTOR: Actor = Object.freeze({ kind: 'local' });
