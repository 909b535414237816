import { requestActor } from '../request-actor.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  LlmModelDetailResponse,
  LlmModelsResponse,
  LlmStatusResponse,
  ModelSwitchBody,
  ModelSwitchResponse,
} from '../../../protocol/llm.ts';
import { ModelNameParams, ModelPullStartResponse } from '../../../protocol/models.ts';
import { ErrorResponse } from '../../../protocol/rest.ts';
import type { Config } from '../../config.ts';
import { LlmError, NotFoundError } from '../../errors.ts';
import type { OllamaClient } from '../../llm/ollama/ollama-client.ts';
import type { OllamaStatusProbe } from '../../llm/ollama/ollama-status.ts';
import type { ModelService } from '../../models/model-service.ts';
import { reportModelServers } from '../../models/model-server-status.ts';
import type { SettingsService } from '../../settings/settings-service.ts';
import { presentPullStart } from '../model-pull-response.ts';

export interface LlmRoutesOptions {
  config: Config;
  client: OllamaClient;
  probe: OllamaStatusProbe;
  settings: SettingsService;
  models: ModelService;
}

const tags = ['llm'];

/** Re-labels an upstream failure with what was being done, keeping its status (503 unreachable, 502 …). */
function failed(action: string, error: unknown): unknown {
  if (!(error instanceof LlmError)) return error;
  return new LlmError(error.code, `${action}: ${error.message}`, { cause: error, statusCode: error.statusCode });
}

/** `/api/llm`: the original's model-server routes, fixed (the model detail route no longer fails with 500). */
export const llmRoutes: FastifyPluginAsyncZod<LlmRoutesOptions> = async (app, options) => {
  const { config, client, probe, settings, models: modelService } = options;

  app.get('/api/llm/status', {
    schema: {
      tags,
      description: 'Whether the chat and embedding servers answer and which models are in use. Always 200.',
      response: { 200: LlmStatusResponse },
    },
    handler: async () => {
      const report = await reportModelServers({ config, probe, settings, fresh: true });
      return {
        connected: report.ollama.reachable,
        host: config.OLLAMA_HOST,
        default_model: report.llm.model,
        message: report.llm.message,
        provider: report.provider,
        default_model_installed: report.llm.model_installed,
        embedding: { ...report.embedding, host: config.OLLAMA_HOST },
        models_in_use: report.modelsInUse,
      };
    },
  });

  app.get('/api/llm/models', {
    schema: { tags, response: { 200: LlmModelsResponse, 503: ErrorResponse } },
    handler: async () => {
      const [models, global] = await Promise.all([
        client.listModels().catch((error: unknown) => {
          throw failed('Failed to list models', error);
        }),
        settings.getGlobal(),
      ]);
      return {
        models: models.map((model) => ({
          name: model.name,
          size: Math.max(0, Math.trunc(model.size ?? 0)),
          digest: model.digest ?? '',
          modified_at: model.modified_at ?? '',
          details: model.details ? { ...model.details } : null,
        })),
        count: models.length,
        default_model: global.default_llm_model,
      };
    },
  });

  app.get('/api/llm/models/:model_name', {
    schema: { tags, params: ModelNameParams, response: { 200: LlmModelDetailResponse, 404: ErrorResponse, 503: ErrorResponse } },
    handler: async (request) => {
      const name = request.params.model_name;
      try {
        const details = await client.showModel({ name });
        return { name, details: { ...details } };
      } catch (error) {
        if (error instanceof LlmError && error.code === 'model_not_found') throw new NotFoundError(`Model not found: ${name}`);
        throw failed(`Failed to describe model '${name}'`, error);
      }
    },
  });

  app.post('/api/llm/model/switch', {
    schema: {
      tags,
      description: 'The original route; now persisted: sets the default chat model (same as PUT /api/settings/models).',
      body: ModelSwitchBody,
      response: { 200: ModelSwitchResponse, 422: ErrorResponse, 503: ErrorResponse },
    },
    handler: async (request) => {
      const updated = await settings.updateGlobal(requestActor(request), { default_llm_model: request.body.model });
      return {
        message: `Successfully switched to model: ${updated.default_llm_model}`,
        default_model: updated.default_llm_model,
      };
    },
  });

  app.post('/api/llm/model/pull/:model_name', {
    schema: {
      tags,
      description: 'The original route; now returns at once (202) like POST /api/settings/models/pull.',
      params: ModelNameParams,
      response: { 202: ModelPullStartResponse, 409: ErrorResponse },
    },
    handler: async (request, reply) => {
      const { pull, joined } = await modelService.startPull(requestActor(request), request.params.model_name);
      return reply.code(202).send(presentPullStart(pull, joined));
    },
  });
};
