import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MemberAddBody, MemberPutBody, MemberResponse } from '../../../protocol/accounts.ts';
import { IdParam } from '../../../protocol/ids.ts';
import { ErrorResponse } from '../../../protocol/rest.ts';
import type { MembershipService } from '../../accounts/membership-service.ts';
import type { ProjectMemberRecord } from '../../store/account-store.ts';
import { requestActor } from '../request-actor.ts';

const tags = ['members'];
const ProjectParams = z.object({ project_id: IdParam });
const MemberParams = z.object({ project_id: IdParam, user_id: IdParam });

function presentMember(member: ProjectMemberRecord): z.infer<typeof MemberResponse> {
  return { user_id: member.userId, email: member.email, name: member.name, role: member.role };
}

/** `/api/projects/{id}/members`: any member lists; owners (and admins) change. */
export const memberRoutes: FastifyPluginAsyncZod<{ members: MembershipService }> = async (app, { members }) => {
  app.get('/api/projects/:project_id/members', {
    schema: { tags, params: ProjectParams, response: { 200: z.array(MemberResponse), 404: ErrorResponse } },
    handler: async (request) => (await members.list(requestActor(request), request.params.project_id)).map(presentMember),
  });

  app.post('/api/projects/:project_id/members', {
    schema: { tags, params: ProjectParams, body: MemberAddBody, response: { 200: MemberResponse, 403: ErrorResponse, 404: ErrorResponse } },
    handler: async (request) =>
      presentMember(await members.set(requestActor(request), request.params.project_id, { email: request.body.email }, request.body.role)),
  });

  app.put('/api/projects/:project_id/members/:user_id', {
    schema: {
      tags,
      params: MemberParams,
      body: MemberPutBody,
      response: { 200: MemberResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
    },
    handler: async (request) =>
      presentMember(await members.set(requestActor(request), request.params.project_id, { id: request.params.user_id }, request.body.role)),
  });

  app.delete('/api/projects/:project_id/members/:user_id', {
    schema: { tags, params: MemberParams, response: { 204: z.null(), 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } },
    handler: async (request, reply) => {
      await members.remove(requestActor(request), request.params.project_id, request.params.user_id);
      return reply.code(204).send(null);
    },
  });
};
