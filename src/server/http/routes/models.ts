import { requestActor } from '../request-actor.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  InstalledModelsResponse,
  ModelDeleteResponse,
  ModelNameParams,
  ModelPullBody,
  ModelPullProgress,
  ModelPullStartResponse,
  ModelSearchQuery,
  ModelSearchResult,
  PopularModelsResponse,
} from '../../../protocol/models.ts';
import { ErrorResponse } from '../../../protocol/rest.ts';
import type { ModelService } from '../../models/model-service.ts';
import { presentPullStart } from '../model-pull-response.ts';
import { streamModelPullAsSse } from '../model-pull-sse.ts';

export interface ModelRoutesOptions {
  models: ModelService;
}

const tags = ['models'];

/** `/api/settings/models/*`: installed models, the curated catalog, downloads with live progress, delete. */
export const modelRoutes: FastifyPluginAsyncZod<ModelRoutesOptions> = async (app, { models }) => {
  app.get('/api/settings/models/installed', {
    schema: {
      tags,
      description:
        'Installed models, split into chat and embedding models by what Ollama says they can do (`/api/show` capabilities), not by their names. When Ollama is down: empty lists, `ollama_reachable: false` and a `message`.',
      response: { 200: InstalledModelsResponse },
    },
    handler: async () => models.installed(),
  });

  app.get('/api/settings/models/popular', {
    schema: { tags, description: 'The featured entries of the curated catalog.', response: { 200: PopularModelsResponse } },
    handler: async () => models.popular(),
  });

  app.get('/api/settings/models/search', {
    schema: {
      tags,
      description:
        'Search the curated catalog by name or description. A query that is a valid model name not in the catalog comes back too, marked `custom`: any Ollama model can be downloaded by its exact name.',
      querystring: ModelSearchQuery,
      response: { 200: z.array(ModelSearchResult) },
    },
    handler: async (request) => models.search({ query: request.query.query, modelType: request.query.model_type }),
  });

  app.post('/api/settings/models/pull', {
    schema: {
      tags,
      description:
        'Starts downloading a model and returns at once (202). Progress streams as the Socket.IO event `model_pull_progress` to every client, and as SSE at `events_url`. Asking again while it runs joins the running download.',
      body: ModelPullBody,
      response: { 202: ModelPullStartResponse, 409: ErrorResponse },
    },
    handler: async (request, reply) => {
      const { pull, joined } = await models.startPull(requestActor(request), request.body.model_name);
      return reply.code(202).send(presentPullStart(pull, joined));
    },
  });

  app.get('/api/settings/models/pulls', {
    schema: { tags, description: 'Running and recently finished downloads.', response: { 200: z.array(ModelPullProgress) } },
    handler: async () => models.listPulls(),
  });

  app.get('/api/settings/models/pull/:model_name', {
    schema: { tags, params: ModelNameParams, response: { 200: ModelPullProgress, 404: ErrorResponse } },
    handler: async (request) => (await models.requirePull(request.params.model_name)).progress,
  });

  app.get('/api/settings/models/pull/:model_name/events', {
    schema: {
      tags,
      description:
        'Server-Sent Events of a download: the latest state first, then each update as `data: {model_name, status, completed, total, percent, done, error?}`; ends after `done`.',
      params: ModelNameParams,
      produces: ['text/event-stream'],
      response: { 404: ErrorResponse },
    },
    handler: async (request, reply) => {
      const pull = await models.requirePull(request.params.model_name);
      streamModelPullAsSse({ request, reply, pull });
      return reply;
    },
  });

  app.delete('/api/settings/models/pull/:model_name', {
    schema: {
      tags,
      description: 'Cancels a running download (the request to Ollama is aborted). Returns its final state.',
      params: ModelNameParams,
      response: { 200: ModelPullProgress, 404: ErrorResponse },
    },
    handler: async (request) => models.cancelPull(requestActor(request), request.params.model_name),
  });

  app.delete('/api/settings/models/:model_name', {
    schema: {
      tags,
      description: 'Deletes an installed model from Ollama. The default chat and embedding models cannot be deleted.',
      params: ModelNameParams,
      response: { 200: ModelDeleteResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
    },
    handler: async (request) => {
      const name = request.params.model_name;
      await models.deleteModel(requestActor(request), name);
      return { success: true as const, model_name: name, message: `Deleted model '${name}'` };
    },
  });
};
