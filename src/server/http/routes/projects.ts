import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParam } from '../../../protocol/ids.ts';
import {
  ErrorResponse,
  ProjectCreateBody,
  ProjectDeleteQuery,
  ProjectListQuery,
  ProjectResponse,
  ProjectStatisticsResponse,
  ProjectUpdateBody,
} from '../../../protocol/rest.ts';
import type { AccessPolicy } from '../../access/access-policy.ts';
import type { Actor } from '../../access/actor.ts';
import type { ProjectService } from '../../projects/project-service.ts';
import type { ProjectRecord } from '../../store/store.ts';
import { presentProject } from '../presenters.ts';
import { requestActor } from '../request-actor.ts';

export interface ProjectRoutesOptions {
  projects: ProjectService;
  access: Pick<AccessPolicy, 'effectiveRole'>;
}

const Params = z.object({ project_id: IdParam });
const tags = ['projects'];

/** `/api/projects`: the original's routes and fields; `/api/projects` and `/api/projects/` both work. */
export const projectRoutes: FastifyPluginAsyncZod<ProjectRoutesOptions> = async (app, { projects, access }) => {
  // With accounts, each project carries the asker's role (`my_role`), so that clients show only what
  // it allows; without, the response stays the original's (the local user may do everything).
  const present = async (actor: Actor, project: ProjectRecord) =>
    presentProject(project, actor.kind === 'user' ? await access.effectiveRole(actor, project.id) : undefined);

  app.post('/api/projects', {
    schema: { tags, body: ProjectCreateBody, response: { 201: ProjectResponse, 409: ErrorResponse } },
    handler: async (request, reply) => {
      const { name, description, folder_path: folderPath, settings } = request.body;
      const project = await projects.create(requestActor(request), { name, description, folderPath, settings });
      return reply.code(201).send(await present(requestActor(request), project));
    },
  });

  app.get('/api/projects', {
    schema: { tags, querystring: ProjectListQuery, response: { 200: z.array(ProjectResponse) } },
    handler: async (request) => {
      const { skip, limit, include_deleted: includeDeleted } = request.query;
      const actor = requestActor(request);
      const listed = await projects.list(actor, { skip, limit, includeDeleted });
      return Promise.all(listed.map((project) => present(actor, project)));
    },
  });

  app.get('/api/projects/:project_id', {
    schema: { tags, params: Params, response: { 200: ProjectResponse, 404: ErrorResponse } },
    handler: async (request) => present(requestActor(request), await projects.get(requestActor(request), request.params.project_id)),
  });

  app.put('/api/projects/:project_id', {
    schema: { tags, params: Params, body: ProjectUpdateBody, response: { 200: ProjectResponse, 404: ErrorResponse } },
    handler: async (request) => {
      const { name, description, folder_path: folderPath, settings } = request.body;
      const project = await projects.update(requestActor(request), request.params.project_id, { name, description, folderPath, settings });
      return present(requestActor(request), project);
    },
  });

  app.delete('/api/projects/:project_id', {
    schema: { tags, params: Params, querystring: ProjectDeleteQuery, response: { 204: z.null(), 404: ErrorResponse } },
    handler: async (request, reply) => {
      await projects.delete(requestActor(request), request.params.project_id, { hard: request.query.hard_delete });
      return reply.code(204).send(null);
    },
  });

  app.get('/api/projects/:project_id/statistics', {
    schema: { tags, params: Params, response: { 200: ProjectStatisticsResponse, 404: ErrorResponse } },
    handler: async (request) => {
      const { project, statistics } = await projects.statistics(requestActor(request), request.params.project_id);
      const folderPath = project.settings.folder_path;
      return {
        project_id: project.id,
        project_name: project.name,
        document_count: statistics.documentCount,
        total_chunks: statistics.totalChunks,
        total_size_bytes: statistics.totalSizeBytes,
        chat_count: statistics.chatCount,
        message_count: statistics.messageCount,
        created_at: project.createdAt,
        updated_at: project.updatedAt,
        folder_path: typeof folderPath === 'string' ? folderPath : null,
      };
    },
  });
};
