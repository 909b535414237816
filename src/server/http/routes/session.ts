import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../../../protocol/rest.ts';
import { SessionCreateBody, SessionState } from '../../../protocol/session.ts';
import { isTokenValid } from '../../access/api-token.ts';
import type { SessionAuth } from '../../access/session-cookie.ts';

/** The session routes answer without a token: they are how a browser presents it. */
export const SESSION_ROUTE = '/api/session';

export interface SessionRoutesOptions {
  apiToken: string | undefined;
  sessions: SessionAuth;
}

const tags = ['session'];

/**
 * The web app's sign-in: the token once for an httpOnly, SameSite=Strict cookie (so page scripts
 * never hold it), and sign-out. Without `API_TOKEN` everything is open and no cookie is set.
 */
export const sessionRoutes: FastifyPluginAsyncZod<SessionRoutesOptions> = async (app, { apiToken, sessions }) => {
  app.get(SESSION_ROUTE, {
    schema: { tags, response: { 200: SessionState } },
    handler: async (request) => ({
      token_required: Boolean(apiToken),
      signed_in: !apiToken || sessions.hasValidCookie(request.headers),
    }),
  });

  app.post(SESSION_ROUTE, {
    schema: { tags, body: SessionCreateBody, response: { 204: z.null(), 401: ErrorResponse } },
    handler: async (request, reply) => {
      if (!apiToken) return reply.code(204).send(null);
      if (!isTokenValid(apiToken, request.body.token)) {
        return reply.code(401).send({ detail: 'That API token is not valid.', code: 'unauthorized' });
      }
      reply.header('set-cookie', sessions.issueCookie({ secure: request.protocol === 'https' }));
      return reply.code(204).send(null);
    },
  });

  app.delete(SESSION_ROUTE, {
    schema: { tags, response: { 204: z.null() } },
    handler: async (request, reply) => {
      reply.header('set-cookie', sessions.clearCookie({ secure: request.protocol === 'https' }));
      return reply.code(204).send(null);
    },
  });
};
