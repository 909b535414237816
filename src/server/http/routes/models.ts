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
import { ConflictError, LlmError, NotFoundError } from '../../errors.ts';
import type { OllamaClient } from '../../llm/ollama/ollama-client.ts';
import { popularModels, searchModels } from '../../models/model-catalog.ts';
import type { ModelInventory } from '../../models/model-inventory.ts';
import { isSameModel } from '../../models/model-names.ts';
import type { ModelPullManager } from '../../models/model-pull-manager.ts';
import type { SettingsService } from '../../settings/settings-service.ts';
import { presentPullStart } from '../model-pull-response.ts';
import { streamModelPullAsSse } from '../model-pull-sse.ts';

export interface ModelRoutesOptions {
  client: OllamaClient;
  inventory: ModelInventory;
  pulls: ModelPullManager;
  settings: SettingsService;
  /** Called after a model was deleted, so cached model lists are refreshed. */
  onModelsChanged: () => void;
}

const tags = ['models'];

/** `/api/settings/models/*`: installed models, the curated catalog, downloads with live progress, delete. */
export const modelRoutes: FastifyPluginAsyncZod<ModelRoutesOptions> = async (app, options) => {
  const { client, inventory, pulls, settings, onModelsChanged } = options;

  /** Installed names for the catalog's `installed` flags; none when Ollama is down. */
  async function installedNames(): Promise<string[]> {
    try {
      return (await client.listModels()).map((model) => model.name);
    } catch (error) {
      if (error instanceof LlmError) return [];
      throw error;
    }
  }

  app.get('/api/settings/models/installed', {
    schema: {
      tags,
      description:
        "Installed models, split into chat and embedding models by what Ollama says they can do (`/api/show` capabilities), not by their names. When Ollama is down: empty lists, `ollama_reachable: false` and a `message`.",
      response: { 200: InstalledModelsResponse },
    },
    handler: async () => {
      const global = await settings.getGlobal();
      const current = { current_llm: global.default_llm_model, current_embedding: global.default_embedding_model };
      try {
        const models = await inventory.installed();
        const present = ({ kind: _kind, ...model }: (typeof models)[number]) => model;
        return {
          llm_models: models.filter((model) => model.kind === 'llm').map(present),
          embedding_models: models.filter((model) => model.kind === 'embedding').map(present),
          ...current,
          ollama_reachable: true,
        };
      } catch (error) {
        if (!(error instanceof LlmError)) throw error;
        return { llm_models: [], embedding_models: [], ...current, ollama_reachable: false, message: error.message };
      }
    },
  });

  app.get('/api/settings/models/popular', {
    schema: { tags, description: 'The featured entries of the curated catalog.', response: { 200: PopularModelsResponse } },
    handler: async () => popularModels(await installedNames()),
  });

  app.get('/api/settings/models/search', {
    schema: {
      tags,
      description:
        'Search the curated catalog by name or description. A query that is a valid model name not in the catalog comes back too, marked `custom`: any Ollama model can be downloaded by its exact name.',
      querystring: ModelSearchQuery,
      response: { 200: z.array(ModelSearchResult) },
    },
    handler: async (request) =>
      searchModels({ query: request.query.query, modelType: request.query.model_type, installed: await installedNames() }),
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
      const { pull, joined } = pulls.start(request.body.model_name);
      return reply.code(202).send(presentPullStart(pull, joined));
    },
  });

  app.get('/api/settings/models/pulls', {
    schema: { tags, description: 'Running and recently finished downloads.', response: { 200: z.array(ModelPullProgress) } },
    handler: async () => pulls.list(),
  });

  app.get('/api/settings/models/pull/:model_name', {
    schema: { tags, params: ModelNameParams, response: { 200: ModelPullProgress, 404: ErrorResponse } },
    handler: async (request) => {
      const pull = pulls.get(request.params.model_name);
      if (!pull) throw new NotFoundError(`No download of '${request.params.model_name}' is running or recently finished`);
      return pull.progress;
    },
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
      const pull = pulls.get(request.params.model_name);
      if (!pull) throw new NotFoundError(`No download of '${request.params.model_name}' is running or recently finished`);
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
    handler: async (request) => {
      const final = await pulls.cancel(request.params.model_name);
      if (!final) throw new NotFoundError(`No download of '${request.params.model_name}' is running`);
      return final;
    },
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
      const global = await settings.getGlobal();
      if (isSameModel(name, global.default_llm_model)) {
        throw new ConflictError(`'${name}' is the default chat model; choose another default before deleting it`);
      }
      if (isSameModel(name, global.default_embedding_model)) {
        throw new ConflictError(`'${name}' is the default embedding model; choose another default before deleting it`);
      }
      if (pulls.isRunning(name)) throw new ConflictError(`'${name}' is downloading; cancel the download first`);
      try {
        await client.deleteModel({ name });
      } catch (error) {
        if (error instanceof LlmError && error.code === 'model_not_found') {
          throw new NotFoundError(`Model '${name}' is not installed`);
        }
        throw error;
      }
      onModelsChanged();
      return { success: true as const, model_name: name, message: `Deleted model '${name}'` };
    },
  });
};
