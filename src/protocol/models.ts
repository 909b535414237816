import { z } from 'zod';
import { ModelName } from './settings.ts';

export const ModelKind = z.enum(['llm', 'embedding'], { message: "model_type must be 'llm' or 'embedding'" });
export type ModelKind = z.infer<typeof ModelKind>;

/** An installed model, as Ollama describes it (`/api/tags` + `/api/show`). */
export const InstalledModel = z.object({
  /** The full tag, e.g. `llama3.2:latest` (never stripped). */
  name: z.string(),
  size: z.number().int(),
  modified_at: z.string(),
  family: z.string().nullable(),
  parameter_size: z.string().nullable(),
  quantization_level: z.string().nullable(),
  context_length: z.number().int().nullable(),
  /** Vector size, for embedding models. */
  embedding_length: z.number().int().nullable(),
  /** What Ollama says the model can do: `completion`, `embedding`, `tools`, `vision`, `thinking` … */
  capabilities: z.array(z.string()),
});
export type InstalledModel = z.infer<typeof InstalledModel>;

export const InstalledModelsResponse = z.object({
  llm_models: z.array(InstalledModel),
  embedding_models: z.array(InstalledModel),
  current_llm: z.string(),
  current_embedding: z.string(),
  /** False when Ollama could not be reached; the lists are then empty and `message` says why. */
  ollama_reachable: z.boolean(),
  message: z.string().optional(),
});
export type InstalledModelsResponse = z.infer<typeof InstalledModelsResponse>;

/** An entry of the curated catalog (`size` is a display string, as the original had it). */
export const CatalogModel = z.object({
  name: z.string(),
  size: z.string(),
  description: z.string(),
  installed: z.boolean(),
});

export const PopularModelsResponse = z.object({
  llm_models: z.array(CatalogModel),
  embedding_models: z.array(CatalogModel),
});

export const ModelSearchQuery = z.object({
  query: z.string().trim().min(1, 'query must not be empty').max(200),
  model_type: ModelKind.optional(),
});

export const ModelSearchResult = CatalogModel.extend({
  type: ModelKind,
  featured: z.boolean(),
  /** Not in the curated catalog: the query itself, offered as "any other Ollama model by name". */
  custom: z.boolean(),
});
export type ModelSearchResult = z.infer<typeof ModelSearchResult>;

export const ModelPullBody = z.strictObject({ model_name: ModelName });

/**
 * Progress of one model download, sent as the Socket.IO event `model_pull_progress` (to every client)
 * and as SSE frames. `done` ends it: with `status: 'success'`, or with `error` (failure or cancel).
 */
export const ModelPullProgress = z.object({
  model_name: z.string(),
  /** Ollama's status line (`pulling manifest`, `pulling 2ae6f6dd7a3d`, `verifying sha256 digest`, `success`), or `error` / `cancelled`. */
  status: z.string(),
  /** Bytes downloaded and expected, over all layers seen so far. */
  completed: z.number(),
  total: z.number(),
  /** 0–100, never decreasing; 100 on success. */
  percent: z.number(),
  done: z.boolean(),
  error: z.string().optional(),
});
export type ModelPullProgress = z.infer<typeof ModelPullProgress>;

export const ModelPullStartResponse = ModelPullProgress.extend({
  /** The original's fields. */
  success: z.literal(true),
  message: z.string(),
  /** True when a download of this model was already running and this request joined it. */
  joined: z.boolean(),
  /** Server-Sent Events of this download's progress. */
  events_url: z.string(),
});

export const ModelNameParams = z.object({ model_name: ModelName });

export const ModelDeleteResponse = z.object({
  success: z.literal(true),
  model_name: z.string(),
  message: z.string(),
});
