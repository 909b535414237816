import type { AppSettings } from '../api/settings.ts';

/** A numeric setting that exists both globally (`default_*`) and as a project override. */
export interface NumberSetting {
  /** The global settings key (`PUT /api/settings`). */
  global: NumberSettingKey;
  /** The project override key (`PUT /api/projects/{id}` `settings`). */
  override: ProjectNumberKey;
  label: string;
  /** How the project header names an override: "top-k 8". */
  short: string;
  help: string;
  min: number;
  max: number;
  step: number;
}

export type NumberSettingKey =
  | 'default_temperature'
  | 'default_retrieval_k'
  | 'default_history_length'
  | 'default_max_tokens'
  | 'default_min_score'
  | 'default_chunk_size'
  | 'default_chunk_overlap';

export type ProjectNumberKey =
  | 'temperature'
  | 'retrieval_k'
  | 'history_length'
  | 'max_tokens'
  | 'min_score'
  | 'chunk_size'
  | 'chunk_overlap';
export type ProjectModelKey = 'llm_model' | 'embedding_model';
export type ProjectChoiceKey = 'retrieval_mode';
export type ProjectOverrideKey = ProjectNumberKey | ProjectModelKey | ProjectChoiceKey;

// Ranges as in src/protocol/settings.ts (`SettingValue`), checked here so the message is a sentence.
export const ANSWER_SETTINGS: NumberSetting[] = [
  {
    global: 'default_temperature',
    override: 'temperature',
    label: 'Temperature',
    short: 'temperature',
    help: 'Lower is more literal, higher more varied (0–2).',
    min: 0,
    max: 2,
    step: 0.1,
  },
  {
    global: 'default_retrieval_k',
    override: 'retrieval_k',
    label: 'Passages per answer (top k)',
    short: 'top-k',
    help: 'How many passages are retrieved for each question.',
    min: 1,
    max: 50,
    step: 1,
  },
  {
    global: 'default_min_score',
    override: 'min_score',
    label: 'Minimum relevance',
    short: 'min. relevance',
    help: 'Passages scoring below this (0–1) are left out.',
    min: 0,
    max: 1,
    step: 0.05,
  },
  {
    global: 'default_history_length',
    override: 'history_length',
    label: 'Conversation memory (turns)',
    short: 'memory',
    help: 'Previous question-and-answer pairs sent with each question.',
    min: 0,
    max: 50,
    step: 1,
  },
  {
    global: 'default_max_tokens',
    override: 'max_tokens',
    label: 'Longest answer (tokens)',
    short: 'max tokens',
    help: 'The model stops after this many tokens.',
    min: 1,
    max: 32768,
    step: 1,
  },
];

export const DOCUMENT_SETTINGS: NumberSetting[] = [
  {
    global: 'default_chunk_size',
    override: 'chunk_size',
    label: 'Passage size (characters)',
    short: 'chunk size',
    help: 'How documents are split; applies to documents processed from now on.',
    min: 100,
    max: 20000,
    step: 50,
  },
  {
    global: 'default_chunk_overlap',
    override: 'chunk_overlap',
    label: 'Passage overlap (characters)',
    short: 'chunk overlap',
    help: 'Text shared by neighbouring passages; must be smaller than the passage size.',
    min: 0,
    max: 10000,
    step: 10,
  },
];

export const NUMBER_SETTINGS = [...ANSWER_SETTINGS, ...DOCUMENT_SETTINGS];

export const MODEL_SETTINGS: {
  global: 'default_llm_model' | 'default_embedding_model';
  override: ProjectModelKey;
  label: string;
  short: string;
}[] = [
  { global: 'default_llm_model', override: 'llm_model', label: 'Chat model', short: 'chat model' },
  { global: 'default_embedding_model', override: 'embedding_model', label: 'Embedding model', short: 'embedding model' },
];

/** Project-only settings picked from a list (values as in src/protocol/settings.ts). */
export const CHOICE_SETTINGS: {
  override: ProjectChoiceKey;
  label: string;
  short: string;
  help: string;
  choices: { value: string; label: string }[];
}[] = [
  {
    override: 'retrieval_mode',
    label: 'Search',
    short: 'search',
    help: 'Which index finds the passages: both fused (best in most collections), words only, or meaning only.',
    choices: [
      { value: 'hybrid', label: 'Hybrid: words and meaning' },
      { value: 'full_text', label: 'Full text only (BM25)' },
      { value: 'vector', label: 'Vectors only (embeddings)' },
    ],
  },
];

/** Why a typed value is not acceptable, or undefined when it is. */
export function numberError(spec: NumberSetting, text: string): string | undefined {
  const raw = text.trim();
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value)) return 'Enter a number.';
  if (value < spec.min || value > spec.max) return `Between ${spec.min} and ${spec.max}.`;
  if (spec.step >= 1 && !Number.isInteger(value)) return 'Enter a whole number.';
  return undefined;
}

export const OVERLAP_TOO_LARGE = 'The overlap must be smaller than the passage size.';

export type GlobalDefaults = Partial<AppSettings> | undefined;
