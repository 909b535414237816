import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Embedder } from './embedder.ts';
import { OllamaEmbedder } from './ollama/ollama-embedder.ts';
import { OpenAICompatibleEmbedder } from './openai/openai-embedder.ts';

export interface EmbedderChoice {
  provider: 'ollama' | 'openai';
  model: string;
}

export interface EmbedderResolver {
  /**
   * What a project should be embedded with now: project `embedding_model` > global
   * `default_embedding_model` > env EMBEDDING_MODEL, on the configured provider. Undefined when
   * embeddings are switched off (EMBEDDING_PROVIDER=none).
   */
  choose(options: { projectSettings: Record<string, unknown>; globalSettings: Record<string, unknown> }): EmbedderChoice | undefined;
  /** The embedder for a choice (also the one that built an existing index). */
  embedder(choice: EmbedderChoice): Embedder;
}

const ModelName = z.string().trim().min(1).max(200).optional().catch(undefined);

export function createEmbedderResolver(options: { config: Config; fetch?: typeof fetch }): EmbedderResolver {
  const { config } = options;
  const timeoutMs = config.EMBED_TIMEOUT_SECONDS * 1000;
  const provider: EmbedderChoice['provider'] | undefined =
    config.EMBEDDING_PROVIDER === 'none'
      ? undefined
      : config.EMBEDDING_PROVIDER === 'auto'
        ? config.OPENAI_BASE_URL && config.LLM_PROVIDER !== 'ollama'
          ? 'openai'
          : 'ollama'
        : config.EMBEDDING_PROVIDER;

  return {
    choose({ projectSettings, globalSettings }) {
      if (!provider) return undefined;
      const model =
        ModelName.parse(projectSettings.embedding_model) ??
        ModelName.parse(globalSettings.default_embedding_model) ??
        config.EMBEDDING_MODEL;
      return { provider, model };
    },
    embedder({ provider: chosen, model }) {
      return chosen === 'openai'
        ? new OpenAICompatibleEmbedder(model, {
            baseURL: config.OPENAI_BASE_URL ?? 'http://127.0.0.1:8080/v1',
            apiKey: config.OPENAI_API_KEY,
            timeoutMs,
            fetch: options.fetch,
          })
        : new OllamaEmbedder(model, { baseURL: config.OLLAMA_HOST, timeoutMs, fetch: options.fetch });
    },
  };
}
