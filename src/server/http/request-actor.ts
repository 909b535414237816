import type { FastifyRequest } from 'fastify';
import { type Actor, LOCAL_ACTOR } from '../access/actor.ts';

/**
 * The actor of an HTTP request: the one place the REST edge decides who is asking. Without accounts
 * it is the local user (the API token, when set, has already been checked by then).
 */
export function requestActor(_request: FastifyRequest): Actor {
  return LOCAL_ACTOR;
}
