import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AdminUserResponse, UserCreateBody, UserUpdateBody } from '../../../protocol/accounts.ts';
import { IdParam } from '../../../protocol/ids.ts';
import { ErrorResponse } from '../../../protocol/rest.ts';
import type { AccountService } from '../../accounts/account-service.ts';
import type { UserRecord } from '../../store/account-store.ts';
import { requestActor } from '../request-actor.ts';

const tags = ['users'];
const Params = z.object({ user_id: IdParam });

function presentAdminUser(user: UserRecord): z.infer<typeof AdminUserResponse> {
  return { id: user.id, email: user.email, name: user.name, role: user.role, disabled: user.disabled, created_at: user.createdAt };
}

/** `/api/users`: user management; the account service lets only admins through (403 otherwise). */
export const userRoutes: FastifyPluginAsyncZod<{ accounts: AccountService }> = async (app, { accounts }) => {
  app.post('/api/users', {
    schema: { tags, body: UserCreateBody, response: { 201: AdminUserResponse, 403: ErrorResponse, 409: ErrorResponse } },
    handler: async (request, reply) =>
      reply.code(201).send(presentAdminUser(await accounts.createUser(requestActor(request), request.body))),
  });

  app.get('/api/users', {
    schema: { tags, response: { 200: z.array(AdminUserResponse), 403: ErrorResponse } },
    handler: async (request) => (await accounts.listUsers(requestActor(request))).map(presentAdminUser),
  });

  app.patch('/api/users/:user_id', {
    schema: { tags, params: Params, body: UserUpdateBody, response: { 200: AdminUserResponse, 403: ErrorResponse, 404: ErrorResponse } },
    handler: async (request) => presentAdminUser(await accounts.updateUser(requestActor(request), request.params.user_id, request.body)),
  });

  app.delete('/api/users/:user_id', {
    schema: { tags, params: Params, response: { 204: z.null(), 403: ErrorResponse, 404: ErrorResponse } },
    handler: async (request, reply) => {
      await accounts.deleteUser(requestActor(request), request.params.user_id);
      return reply.code(204).send(null);
    },
  });
};
