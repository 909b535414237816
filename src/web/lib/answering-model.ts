import type { LlmStatus } from '../api/models.ts';

/** What will answer the next question, said before it is sent. */
export interface AnsweringModel {
  /** The chat model's name, or null in extractive mode (no language model). */
  model: string | null;
  /** False when no embedding model is available: search is full-text only. */
  vectorSearch: boolean;
  text: string;
}

export const EXTRACTIVE_TEXT = 'No language model — answers quote your documents';
export const FULL_TEXT_ONLY = 'full-text search only';

/**
 * The chat's own model, else the project's, else the server's default, unless no language model can
 * answer (no model server, or the extractive provider), in which case answers are quoted passages.
 */
export function answeringModel(status: LlmStatus, choices: { chatModel?: string | null; projectModel?: string | null }): AnsweringModel {
  const extractive = status.models_in_use.llm === 'extractive' || status.provider === 'extractive';
  const vectorSearch = status.models_in_use.embedding !== 'none';
  const model = extractive ? null : (choices.chatModel ?? choices.projectModel ?? status.models_in_use.llm);
  const main = model === null ? EXTRACTIVE_TEXT : `Answered by ${model}`;
  return { model, vectorSearch, text: vectorSearch ? main : `${main} · ${FULL_TEXT_ONLY}` };
}
