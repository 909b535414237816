import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import { z } from 'zod';
import type { ModelKind } from '../../protocol/models.ts';
import {
  type AnswerMode,
  DEFAULT_REFUSAL_MESSAGE,
  type GlobalSettingKey,
  ProjectSettingOverrides,
  type SettingsResponse,
  SettingsUpdateBody,
  type Theme,
} from '../../protocol/settings.ts';
import type { Config } from '../config.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import { BadRequestError, ValidationError } from '../errors.ts';
import { configuredChatProvider, defaultChatModel } from '../llm/chat-provider.ts';
import { isSameModel } from '../models/model-names.ts';
import type { Store } from '../store/store.ts';

export type GlobalSettings = SettingsResponse;

/** What a project's next answer and next ingestion run with: project overrides > global settings > env. */
export interface EffectiveSettings {
  llmModel: string;
  embeddingModel: string;
  /** Characters per chunk; `chunkOverlap` is always smaller. */
  chunkSize: number;
  chunkOverlap: number;
  /** Passages per answer (`top_k`). */
  retrievalK: number;
  minScore: number;
  temperature: number;
  historyLength: number;
  maxTokens: number;
  theme: Theme;
  /** The project's own system prompt (before the grounding instructions); null when none. */
  systemPrompt: string | null;
  answerMode: AnswerMode;
  /** What `documents_only` answers when no passage is relevant enough. */
  refusalMessage: string;
}

/** Checks that a model exists and is of the right kind (see ModelInventory.requireModel). */
export interface ModelChecker {
  requireModel(options: { name: string; kind: ModelKind; setting: string; signal?: AbortSignal }): Promise<void>;
}

/** The model that stands for "no language model": answers quoted from the documents. */
export const EXTRACTIVE_MODEL = 'extractive';

// Stored JSON may come from older versions or hand edits: each key is read on its own, and an invalid
// value is ignored (the next level's value applies) rather than breaking every answer.
const StoredGlobal = z.object(
  Object.fromEntries(Object.entries(SettingsUpdateBody.shape).map(([key, schema]) => [key, (schema as z.ZodType).catch(undefined)])) as {
    [Key in keyof typeof SettingsUpdateBody.shape]: z.ZodCatch<(typeof SettingsUpdateBody.shape)[Key]>;
  },
);
const StoredProject = z.object(
  Object.fromEntries(
    Object.entries(ProjectSettingOverrides.shape).map(([key, schema]) => [key, (schema as z.ZodType).catch(undefined)]),
  ) as { [Key in keyof typeof ProjectSettingOverrides.shape]: z.ZodCatch<(typeof ProjectSettingOverrides.shape)[Key]> },
);

/**
 * The settings that drive chat and ingestion, stored in the `settings` table with defaults from the
 * environment. Nothing is cached: every answer and every ingestion reads the current values, so a
 * change applies to the very next one (the original's settings never reached the chat at all).
 */
export class SettingsService {
  constructor(
    private readonly deps: {
      config: Config;
      store: Store;
      models: ModelChecker;
      /** Hears `settingsChanged`, so that work depending on a key (re-embedding) starts at once. */
      events?: DomainEvents;
      /** Global settings are for admins (and the local user). */
      access: Pick<AccessPolicy, 'requireAdmin'>;
    },
  ) {}

  /** The values used where nothing was saved: from env (see config.ts). */
  defaults(): GlobalSettings {
    const { config } = this.deps;
    return {
      default_llm_model: defaultChatModel(config),
      default_embedding_model: config.EMBEDDING_MODEL,
      default_chunk_size: config.DEFAULT_CHUNK_SIZE,
      default_chunk_overlap: config.DEFAULT_CHUNK_OVERLAP,
      default_retrieval_k: config.DEFAULT_TOP_K,
      theme: 'system',
      default_temperature: config.DEFAULT_TEMPERATURE,
      default_min_score: config.MIN_SCORE,
      default_history_length: config.DEFAULT_HISTORY_LENGTH,
      default_max_tokens: config.DEFAULT_MAX_TOKENS,
    };
  }

  async getGlobal(): Promise<GlobalSettings> {
    const stored = StoredGlobal.parse(await this.deps.store.settings.getAll());
    const merged = { ...this.defaults() };
    for (const [key, value] of Object.entries(stored)) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
    // An overlap saved against another chunk size (or a changed env) must never reach the chunker.
    if (merged.default_chunk_overlap >= merged.default_chunk_size) {
      merged.default_chunk_overlap = safeOverlap(merged.default_chunk_size);
    }
    return merged;
  }

  /**
   * Changes some global settings, after checking ranges (done by the schema), that the overlap stays
   * below the chunk size, and that a newly chosen model is installed and of the right kind. Nothing
   * is written unless everything passes. The overlap check runs again inside the store's write, on
   * what is stored then, so concurrent updates (from any process) cannot combine into a bad pair.
   */
  updateGlobal(actor: Actor, patch: SettingsUpdateBody): Promise<GlobalSettings> {
    this.deps.access.requireAdmin(actor);
    return this.applyUpdate(patch);
  }

  /** The effective values for a project (or for no project): what the next answer or ingestion uses. */
  async effective(options: { projectId?: number } = {}): Promise<EffectiveSettings> {
    const global = await this.getGlobal();
    let project: ProjectSettingOverrides = {};
    if (options.projectId !== undefined) {
      const record = await this.deps.store.projects.findById(options.projectId, { includeDeleted: true });
      if (record) project = StoredProject.parse(record.settings);
    }
    const chunkSize = project.chunk_size ?? global.default_chunk_size;
    let chunkOverlap = project.chunk_overlap ?? global.default_chunk_overlap;
    if (chunkOverlap >= chunkSize) chunkOverlap = safeOverlap(chunkSize);
    return {
      llmModel: project.llm_model ?? global.default_llm_model,
      embeddingModel: project.embedding_model ?? global.default_embedding_model,
      chunkSize,
      chunkOverlap,
      retrievalK: project.retrieval_k ?? global.default_retrieval_k,
      minScore: project.min_score ?? global.default_min_score,
      temperature: project.temperature ?? global.default_temperature,
      historyLength: project.history_length ?? global.default_history_length,
      maxTokens: project.max_tokens ?? global.default_max_tokens,
      theme: global.theme,
      systemPrompt: project.system_prompt?.trim() ? project.system_prompt.trim() : null,
      answerMode: project.answer_mode ?? 'chat',
      refusalMessage: project.refusal_message ?? DEFAULT_REFUSAL_MESSAGE,
    };
  }

  /**
   * Validates the overrides a project is about to save (same ranges and model checks as the global
   * settings). Keys the settings do not know are left alone: project settings are free-form.
   */
  async validateProjectOverrides(
    settings: Record<string, unknown>,
    current: Record<string, unknown> = {},
  ): Promise<(merged: Record<string, unknown>) => void> {
    const known = Object.fromEntries(Object.entries(settings).filter(([key]) => key in ProjectSettingOverrides.shape));
    const parsed = ProjectSettingOverrides.safeParse(known);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ValidationError(`settings.${issue?.path.join('.')}: ${issue?.message}`);
    }
    const overrides = parsed.data;
    const previous = StoredProject.parse(current);
    const global = await this.getGlobal();
    const chunkSize = overrides.chunk_size ?? previous.chunk_size ?? global.default_chunk_size;
    const chunkOverlap = overrides.chunk_overlap ?? previous.chunk_overlap ?? global.default_chunk_overlap;
    if ((overrides.chunk_size !== undefined || overrides.chunk_overlap !== undefined) && chunkOverlap >= chunkSize) {
      throw new ValidationError(`settings.chunk_overlap (${chunkOverlap}) must be smaller than chunk_size (${chunkSize})`);
    }
    if (overrides.llm_model && !isSameModel(overrides.llm_model, previous.llm_model ?? '')) {
      await this.checkModel({ name: overrides.llm_model, kind: 'llm', setting: 'settings.llm_model' });
    }
    if (overrides.embedding_model && !isSameModel(overrides.embedding_model, previous.embedding_model ?? '')) {
      await this.checkModel({ name: overrides.embedding_model, kind: 'embedding', setting: 'settings.embedding_model' });
    }
    const touchesChunking = overrides.chunk_size !== undefined || overrides.chunk_overlap !== undefined;
    // The same check on the merged settings, for the store to run inside its transaction.
    return (merged) => {
      if (!touchesChunking) return;
      const stored = StoredProject.parse(merged);
      const size = stored.chunk_size ?? global.default_chunk_size;
      const overlap = stored.chunk_overlap ?? global.default_chunk_overlap;
      if (overlap >= size) throw new ValidationError(`settings.chunk_overlap (${overlap}) must be smaller than chunk_size (${size})`);
    };
  }

  private async applyUpdate(patch: SettingsUpdateBody): Promise<GlobalSettings> {
    const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<GlobalSettings>;
    const keys = Object.keys(changes) as GlobalSettingKey[];
    if (keys.length === 0) {
      throw new BadRequestError(`Provide at least one setting to change: ${Object.keys(SettingsUpdateBody.shape).join(', ')}`);
    }
    const current = await this.getGlobal();
    const next = { ...current, ...changes };
    if (next.default_chunk_overlap >= next.default_chunk_size) {
      throw new ValidationError(
        `default_chunk_overlap (${next.default_chunk_overlap}) must be smaller than default_chunk_size (${next.default_chunk_size})`,
      );
    }
    // Only a model that changes is checked: saving an unchanged form works while Ollama is down.
    if (changes.default_llm_model && !isSameModel(changes.default_llm_model, current.default_llm_model)) {
      await this.checkModel({ name: changes.default_llm_model, kind: 'llm', setting: 'default_llm_model' });
    }
    if (changes.default_embedding_model && !isSameModel(changes.default_embedding_model, current.default_embedding_model)) {
      await this.checkModel({ name: changes.default_embedding_model, kind: 'embedding', setting: 'default_embedding_model' });
    }
    const touchesChunking = changes.default_chunk_size !== undefined || changes.default_chunk_overlap !== undefined;
    await this.deps.store.settings.setMany(changes, (stored) => {
      if (!touchesChunking) return;
      const saved = StoredGlobal.parse(stored);
      const size = saved.default_chunk_size ?? this.defaults().default_chunk_size;
      const overlap = saved.default_chunk_overlap ?? this.defaults().default_chunk_overlap;
      if (overlap >= size)
        throw new ValidationError(`default_chunk_overlap (${overlap}) must be smaller than default_chunk_size (${size})`);
    });
    this.deps.events?.publish({ type: 'settingsChanged', keys });
    return this.getGlobal();
  }

  /** Models are checked against Ollama when Ollama serves them; an OpenAI-compatible server's names are taken as given. */
  private async checkModel(options: { name: string; kind: ModelKind; setting: string }): Promise<void> {
    const provider = configuredChatProvider(this.deps.config);
    if (options.kind === 'llm') {
      if (options.name === EXTRACTIVE_MODEL || provider !== 'ollama') return;
    } else if (provider === 'openai') {
      return;
    }
    await this.deps.models.requireModel(options);
  }
}

/** An overlap that fits a chunk size: a fifth of it, as the 1000/200 default. */
function safeOverlap(chunkSize: number): number {
  return Math.floor(chunkSize / 5);
}
