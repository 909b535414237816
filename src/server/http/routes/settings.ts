import { requestActor } from '../request-actor.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorResponse } from '../../../protocol/rest.ts';
import { ModelsUpdateBody, SettingsResponse, SettingsUpdateBody } from '../../../protocol/settings.ts';
import { BadRequestError } from '../../errors.ts';
import type { SettingsService } from '../../settings/settings-service.ts';

export interface SettingsRoutesOptions {
  settings: SettingsService;
}

const tags = ['settings'];
const errors = { 400: ErrorResponse, 422: ErrorResponse, 503: ErrorResponse };

/** `/api/settings`: the original's SettingsResponse plus the generation defaults; every value drives chat or ingestion. */
export const settingsRoutes: FastifyPluginAsyncZod<SettingsRoutesOptions> = async (app, { settings }) => {
  app.get('/api/settings', {
    schema: { tags, response: { 200: SettingsResponse } },
    handler: async () => settings.getGlobal(),
  });

  app.put('/api/settings', {
    schema: {
      tags,
      description:
        'Change any subset of the settings. A new model must be installed in Ollama and of the right kind (503 when Ollama cannot be asked); `default_chunk_overlap` must stay below `default_chunk_size`.',
      body: SettingsUpdateBody,
      response: { 200: SettingsResponse, ...errors },
    },
    handler: async (request) => settings.updateGlobal(requestActor(request), request.body),
  });

  app.put('/api/settings/models', {
    schema: {
      tags,
      description: 'The original route: set the default chat and/or embedding model (full tags kept).',
      body: ModelsUpdateBody,
      response: { 200: SettingsResponse, ...errors },
    },
    handler: async (request) => {
      const { llm_model: llmModel, embedding_model: embeddingModel } = request.body;
      if (!llmModel && !embeddingModel) {
        throw new BadRequestError('Must provide at least one of llm_model or embedding_model');
      }
      return settings.updateGlobal(requestActor(request), { default_llm_model: llmModel, default_embedding_model: embeddingModel });
    },
  });
};
