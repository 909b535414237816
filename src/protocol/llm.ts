import { z } from 'zod';
import { ModelName } from './settings.ts';

/** Who writes answers: a model server, or the extractive fallback that quotes passages. */
export const ChatProvider = z.enum(['ollama', 'openai', 'extractive']);
export type ChatProvider = z.infer<typeof ChatProvider>;

/** Who turns texts into vectors. */
export const EmbeddingProvider = z.enum(['ollama', 'openai']);
export type EmbeddingProvider = z.infer<typeof EmbeddingProvider>;

/**
 * One model server as health and status report it. `reachable` is null when it is not probed (an
 * OpenAI-compatible server, or no model server configured); `model_installed` is null when unknown.
 */
export const ModelServerReport = z.object({
  reachable: z.boolean().nullable(),
  model: z.string(),
  model_installed: z.boolean().nullable(),
  message: z.string(),
});
export type ModelServerReport = z.infer<typeof ModelServerReport>;

export const ModelsInUse = z.object({
  /** What answers are generated with right now: the default chat model, or `extractive` without a model server. */
  llm: z.string(),
  embedding: z.string(),
});

/** `GET /api/llm/status`: the original's fields (always 200) plus the embedding server and the models in use. */
export const LlmStatusResponse = z.object({
  connected: z.boolean(),
  host: z.string(),
  default_model: z.string(),
  message: z.string(),
  provider: ChatProvider,
  default_model_installed: z.boolean().nullable(),
  embedding: ModelServerReport.extend({ host: z.string() }),
  models_in_use: ModelsInUse,
});

export const LlmModelSummary = z.object({
  name: z.string(),
  size: z.number().int(),
  digest: z.string(),
  modified_at: z.string(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

export const LlmModelsResponse = z.object({
  models: z.array(LlmModelSummary),
  count: z.number().int(),
  default_model: z.string(),
});

export const LlmModelDetailResponse = z.object({
  name: z.string(),
  /** Ollama's `/api/show` answer, as a plain object. */
  details: z.record(z.string(), z.unknown()),
});

export const ModelSwitchBody = z.strictObject({ model: ModelName });
export const ModelSwitchResponse = z.object({ message: z.string(), default_model: z.string() });
