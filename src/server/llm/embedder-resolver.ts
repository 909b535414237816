import type { EmbeddingProvider } from '../../protocol/llm.ts';
import type { Config } from '../config.ts';
import type { Embedder } from './embedder.ts';
import { OllamaEmbedder } from './ollama/ollama-embedder.ts';
import { OpenAICompatibleEmbedder } from './openai/openai-embedder.ts';

export interface EmbedderChoice {
  provider: EmbeddingProvider;
  model: string;
}

export interface EmbedderResolver {
  /**
   * The embedder for a project's effective embedding model (see SettingsService.effective) on the
   * configured provider. Undefined when embeddings are switched off (EMBEDDING_PROVIDER=none).
   */
  choose(options: { embeddingModel: string }): EmbedderChoice | undefined;
  /** The embedder for a choice (also the one that built an existing index). */
  embedder(choice: EmbedderChoice): Embedder;
}

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
    choose({ embeddingModel }) {
      if (!provider) return undefined;
      return { provider, model: embeddingModel };
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
