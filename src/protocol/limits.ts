/**
 * Limits shared by server and web app. Kept free of imports (no zod), so the browser bundle can use
 * them without pulling in the schemas.
 */

/** Longest chat message a client may send, in characters. */
export const MAX_MESSAGE_CHARS = 32_000;
