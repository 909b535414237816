import type { FastifyRequest } from 'fastify';
import type { Actor } from '../access/actor.ts';
import { UnauthorizedError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook (http-app.ts): the local user, or the signed-in one. */
    actor?: Actor;
  }
}

/**
 * The actor of an HTTP request: the one place the REST edge says who is asking. The hook in
 * http-app.ts sets it before any route runs: the local user without accounts, else the user behind
 * the bearer token or cookie. A route open to everyone (sign-in) has none, and asking fails.
 */
export function requestActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthorizedError('Sign in first');
  return request.actor;
}
