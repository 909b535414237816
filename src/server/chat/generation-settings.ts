import { z } from 'zod';
import type { Config } from '../config.ts';

/** What one answer runs with, after request → project → global settings → env defaults. */
export interface GenerationSettings {
  model: string | undefined;
  temperature: number;
  topK: number;
  minScore: number;
  historyLength: number;
  maxTokens: number;
  includeHistory: boolean;
}

export interface GenerationRequest {
  model?: string;
  temperature?: number;
  top_k?: number;
  max_tokens?: number;
  history_length?: number;
  include_history?: boolean;
}

/** Stored settings are JSON written by older versions or by hand: read each key leniently. */
const StoredSettings = z.object({
  default_llm_model: z.string().min(1).optional().catch(undefined),
  llm_model: z.string().min(1).optional().catch(undefined),
  temperature: z.number().min(0).max(2).optional().catch(undefined),
  default_temperature: z.number().min(0).max(2).optional().catch(undefined),
  retrieval_k: z.number().int().min(1).max(50).optional().catch(undefined),
  default_retrieval_k: z.number().int().min(1).max(50).optional().catch(undefined),
  min_score: z.number().min(0).max(1).optional().catch(undefined),
  default_min_score: z.number().min(0).max(1).optional().catch(undefined),
  history_length: z.number().int().min(0).max(50).optional().catch(undefined),
  default_history_length: z.number().int().min(0).max(50).optional().catch(undefined),
  max_tokens: z.number().int().min(1).max(32_768).optional().catch(undefined),
  default_max_tokens: z.number().int().min(1).max(32_768).optional().catch(undefined),
});

export function resolveGenerationSettings(options: {
  config: Config;
  globalSettings: Record<string, unknown>;
  projectSettings: Record<string, unknown>;
  request: GenerationRequest;
}): GenerationSettings {
  const { config, request } = options;
  const global = StoredSettings.parse(options.globalSettings);
  const project = StoredSettings.parse(options.projectSettings);
  return {
    model: request.model ?? project.llm_model ?? global.default_llm_model,
    temperature: request.temperature ?? project.temperature ?? global.default_temperature ?? config.DEFAULT_TEMPERATURE,
    topK: request.top_k ?? project.retrieval_k ?? global.default_retrieval_k ?? config.DEFAULT_TOP_K,
    minScore: project.min_score ?? global.default_min_score ?? config.MIN_SCORE,
    historyLength:
      request.history_length ??
      project.history_length ??
      global.default_history_length ??
      config.DEFAULT_HISTORY_LENGTH,
    maxTokens: request.max_tokens ?? project.max_tokens ?? global.default_max_tokens ?? config.DEFAULT_MAX_TOKENS,
    includeHistory: request.include_history ?? true,
  };
}
