import { z } from 'zod';

/** `POST /api/session`: the API token, exchanged once for an httpOnly session cookie. */
export const SessionCreateBody = z.strictObject({
  token: z.string().min(1, 'token must not be empty').max(1024),
});
export type SessionCreateBody = z.infer<typeof SessionCreateBody>;

/** `GET /api/session`: whether this server wants a token, and whether this browser has a session. */
export const SessionState = z.object({
  token_required: z.boolean(),
  signed_in: z.boolean(),
});
export type SessionState = z.infer<typeof SessionState>;
