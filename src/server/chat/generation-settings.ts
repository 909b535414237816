import type { EffectiveSettings } from '../settings/settings-service.ts';

/** What one answer runs with: the request's own options, else the project's and global settings. */
export interface GenerationSettings {
  model: string;
  temperature: number;
  topK: number;
  minScore: number;
  historyLength: number;
  maxTokens: number;
  includeHistory: boolean;
}

/** Per-message options a client may send with `send_message` (they win over every setting). */
export interface GenerationRequest {
  model?: string;
  temperature?: number;
  top_k?: number;
  max_tokens?: number;
  history_length?: number;
  include_history?: boolean;
}

export function resolveGenerationSettings(options: { effective: EffectiveSettings; request: GenerationRequest }): GenerationSettings {
  const { effective, request } = options;
  return {
    model: request.model ?? effective.llmModel,
    temperature: request.temperature ?? effective.temperature,
    topK: request.top_k ?? effective.retrievalK,
    minScore: effective.minScore,
    historyLength: request.history_length ?? effective.historyLength,
    maxTokens: request.max_tokens ?? effective.maxTokens,
    includeHistory: request.include_history ?? true,
  };
}
