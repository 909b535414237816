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
import { SerialByKey } from '../../concurrency/serial-by-key.ts';
import { NotFoundError } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Store } from '../../store/store.ts';
import { presentProject } from '../presenters.ts';

export interface ProjectRoutesOptions {
  store: Store;
  events: DomainEvents;
  /** Called after a hard delete, so other concerns (files, indexes, running answers) let go of it. */
  onProjectPurged?: (projectId: number) => Promise<void>;
  /** Checks the settings keys that override global settings (ranges, models); throws a 4xx AppError. */
  validateSettings?: (next: Record<string, unknown>, current: Record<string, unknown>) => Promise<void>;
}

const Params = z.object({ project_id: IdParam });
const tags = ['projects'];

/** `/api/projects`: the original's routes and fields; `/api/projects` and `/api/projects/` both work. */
export const projectRoutes: FastifyPluginAsyncZod<ProjectRoutesOptions> = async (
  app,
  { store, events, onProjectPurged, validateSettings },
) => {
  async function requireProject(id: number) {
    const project = await store.projects.findById(id);
    if (!project) throw new NotFoundError(`Project ${id} not found`);
    return project;
  }

  app.post('/api/projects', {
    schema: { tags, body: ProjectCreateBody, response: { 201: ProjectResponse, 409: ErrorResponse } },
    handler: async (request, reply) => {
      const { name, description, folder_path: folderPath, settings } = request.body;
      await validateSettings?.(settings ?? {}, {});
      const project = await store.projects.create({
        name,
        description: description ?? null,
        settings: { ...(settings ?? {}), ...(folderPath ? { folder_path: folderPath } : {}) },
      });
      events.projectsChanged('project_created', project.id);
      return reply.code(201).send(presentProject(project));
    },
  });

  app.get('/api/projects', {
    schema: { tags, querystring: ProjectListQuery, response: { 200: z.array(ProjectResponse) } },
    handler: async (request) => {
      const { skip, limit, include_deleted: includeDeleted } = request.query;
      return (await store.projects.list({ skip, limit, includeDeleted })).map(presentProject);
    },
  });

  app.get('/api/projects/:project_id', {
    schema: { tags, params: Params, response: { 200: ProjectResponse, 404: ErrorResponse } },
    handler: async (request) => presentProject(await requireProject(request.params.project_id)),
  });

  // Updates of one project run one at a time: an update waiting on a model check would otherwise
  // save its merge of stale settings over what another update saved meanwhile.
  const updates = new SerialByKey<number>();

  app.put('/api/projects/:project_id', {
    schema: { tags, params: Params, body: ProjectUpdateBody, response: { 200: ProjectResponse, 404: ErrorResponse } },
    handler: (request) => updates.run(request.params.project_id, async () => {
      const id = request.params.project_id;
      const current = await requireProject(id);
      const { name, description, folder_path: folderPath, settings } = request.body;
      // Settings are merged key by key, as the original did; `null` clears a key.
      const merged: Record<string, unknown> = { ...current.settings };
      const changed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(settings ?? {})) {
        if (value === null) delete merged[key];
        else merged[key] = changed[key] = value;
      }
      await validateSettings?.(changed, current.settings);
      if (folderPath !== undefined) {
        if (folderPath === null) delete merged.folder_path;
        else merged.folder_path = folderPath;
      }
      const project = await store.projects.update(id, {
        name,
        description: description === undefined ? undefined : description,
        settings: merged,
      });
      if (!project) throw new NotFoundError(`Project ${id} not found`);
      events.projectUpdate(id, 'project_updated', { name: project.name });
      events.projectsChanged('project_updated', id);
      return presentProject(project);
    }),
  });

  app.delete('/api/projects/:project_id', {
    schema: { tags, params: Params, querystring: ProjectDeleteQuery, response: { 204: z.null(), 404: ErrorResponse } },
    handler: async (request, reply) => {
      const id = request.params.project_id;
      const project = await store.projects.findById(id, { includeDeleted: request.query.hard_delete });
      if (!project) throw new NotFoundError(`Project ${id} not found`);
      if (request.query.hard_delete) {
        await store.projects.hardDelete(id);
        await onProjectPurged?.(id);
      } else {
        await store.projects.softDelete(id);
      }
      events.projectsChanged('project_deleted', id);
      return reply.code(204).send(null);
    },
  });

  app.get('/api/projects/:project_id/statistics', {
    schema: { tags, params: Params, response: { 200: ProjectStatisticsResponse, 404: ErrorResponse } },
    handler: async (request) => {
      const project = await requireProject(request.params.project_id);
      const statistics = await store.projects.statistics(project.id);
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
