import { z } from 'zod';

/**
 * An Ollama model name as users type it: `llama3.2`, `llama3.2:1b`, `hf.co/user/repo:Q4_K_M`. The tag
 * is kept as given (the original stripped it, so `llama3.2:1b` silently became `llama3.2`).
 */
export const ModelName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/,
    'is not a valid model name (letters, digits and . _ - / : @ only, like llama3.2 or llama3.2:1b)',
  )
  .refine((name) => !name.includes('..') && !name.includes('//'), 'is not a valid model name (no ".." or "//")');

export const Theme = z.enum(['light', 'dark', 'system'], { message: "must be 'light', 'dark' or 'system'" });
export type Theme = z.infer<typeof Theme>;

export const AnswerMode = z.enum(['chat', 'documents_only'], { message: "must be 'chat' or 'documents_only'" });
export type AnswerMode = z.infer<typeof AnswerMode>;

/** What a `documents_only` project answers, without the model, when no passage is relevant enough. */
export const DEFAULT_REFUSAL_MESSAGE = "I could not find this in the project's documents.";

/** The range of each value; shared by global settings, project overrides and stored-value reading. */
export const SettingValue = {
  chunkSize: z
    .number()
    .int('must be a whole number')
    .min(100, 'must be at least 100 characters')
    .max(20_000, 'must be at most 20000 characters'),
  chunkOverlap: z.number().int('must be a whole number').min(0, 'must not be negative').max(10_000, 'must be at most 10000 characters'),
  retrievalK: z.number().int('must be a whole number').min(1, 'must be at least 1').max(50, 'must be at most 50'),
  temperature: z.number().min(0, 'must be between 0 and 2').max(2, 'must be between 0 and 2'),
  minScore: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
  historyLength: z.number().int('must be a whole number').min(0, 'must not be negative').max(50, 'must be at most 50'),
  maxTokens: z.number().int('must be a whole number').min(1, 'must be at least 1').max(32_768, 'must be at most 32768'),
};

/** The original's SettingsResponse plus the generation defaults it never had. Every value is used. */
export const SettingsResponse = z.object({
  default_llm_model: z.string(),
  default_embedding_model: z.string(),
  /** Characters per chunk for the next ingestion. */
  default_chunk_size: z.number().int(),
  default_chunk_overlap: z.number().int(),
  /** How many passages an answer is given (`top_k`). */
  default_retrieval_k: z.number().int(),
  theme: Theme,
  default_temperature: z.number(),
  /** Passages scoring below this (0–1) are left out of answers. */
  default_min_score: z.number(),
  /** Previous question/answer pairs sent with each question. */
  default_history_length: z.number().int(),
  default_max_tokens: z.number().int(),
});
export type SettingsResponse = z.infer<typeof SettingsResponse>;
export type GlobalSettingKey = keyof SettingsResponse;

/** `PUT /api/settings`: any subset of the settings; unknown keys are refused. */
export const SettingsUpdateBody = z.strictObject({
  default_llm_model: ModelName.optional(),
  default_embedding_model: ModelName.optional(),
  default_chunk_size: SettingValue.chunkSize.optional(),
  default_chunk_overlap: SettingValue.chunkOverlap.optional(),
  default_retrieval_k: SettingValue.retrievalK.optional(),
  theme: Theme.optional(),
  default_temperature: SettingValue.temperature.optional(),
  default_min_score: SettingValue.minScore.optional(),
  default_history_length: SettingValue.historyLength.optional(),
  default_max_tokens: SettingValue.maxTokens.optional(),
});
export type SettingsUpdateBody = z.infer<typeof SettingsUpdateBody>;

/** `PUT /api/settings/models` (the original's route). */
export const ModelsUpdateBody = z.strictObject({
  llm_model: ModelName.optional(),
  embedding_model: ModelName.optional(),
});
export type ModelsUpdateBody = z.infer<typeof ModelsUpdateBody>;

/**
 * What a project may override (kept in `project.settings`), with the same ranges as the global values.
 * Stored values are read leniently: an invalid one is ignored, and the global value applies.
 */
/** Which indexes a project's questions search (full text, vectors, or both fused). */
export const RetrievalModeSetting = z.enum(['hybrid', 'full_text', 'vector'], { message: "must be 'hybrid', 'full_text' or 'vector'" });
export type RetrievalModeSetting = z.infer<typeof RetrievalModeSetting>;

export const ProjectSettingOverrides = z.object({
  llm_model: ModelName.optional(),
  embedding_model: ModelName.optional(),
  chunk_size: SettingValue.chunkSize.optional(),
  chunk_overlap: SettingValue.chunkOverlap.optional(),
  retrieval_k: SettingValue.retrievalK.optional(),
  min_score: SettingValue.minScore.optional(),
  temperature: SettingValue.temperature.optional(),
  history_length: SettingValue.historyLength.optional(),
  max_tokens: SettingValue.maxTokens.optional(),
  /** Sent as the system message, before the app's grounding instructions. Empty: none. */
  system_prompt: z.string().max(8000, 'must be at most 8000 characters').optional(),
  /** `chat`: the model answers (from general knowledge, labelled, when no passage matches); `documents_only`: refused without the model. */
  answer_mode: AnswerMode.optional(),
  /** The refusal of `documents_only` when no passage is relevant enough. */
  refusal_message: z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters').optional(),
  retrieval_mode: RetrievalModeSetting.optional(),
});
export type ProjectSettingOverrides = z.infer<typeof ProjectSettingOverrides>;
