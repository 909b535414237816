import type { Config } from '../config.ts';
import type { ChatModel } from './chat-model.ts';
import { ExtractiveChatModel } from './extractive/extractive-chat-model.ts';
import { OllamaChatModel } from './ollama/ollama-chat-model.ts';
import type { OllamaStatusProbe } from './ollama/ollama-status.ts';
import { OpenAICompatibleChatModel } from './openai/openai-chat-model.ts';

export interface ChatModelResolver {
  /** The model for one answer: the requested one, else the configured default, on the active provider. */
  resolve(options: { requestedModel?: string; defaultModel?: string }): Promise<ChatModel>;
}

/**
 * Picks the provider per answer. `auto` uses an OpenAI-compatible server when one is configured, else
 * Ollama when it answers, else the extractive fallback (labelled `extractive`), so the app keeps
 * answering from documents with no model server at all.
 */
export function createChatModelResolver(options: { config: Config; ollamaStatus: OllamaStatusProbe }): ChatModelResolver {
  const { config, ollamaStatus } = options;
  const timeouts = {
    firstTokenTimeoutMs: config.LLM_FIRST_TOKEN_TIMEOUT_SECONDS * 1000,
    idleTimeoutMs: config.LLM_IDLE_TIMEOUT_SECONDS * 1000,
  };
  const extractive = new ExtractiveChatModel();
  const ollama = (model: string) => new OllamaChatModel(model, { baseURL: config.OLLAMA_HOST, ...timeouts });
  const openai = (model: string) =>
    new OpenAICompatibleChatModel(model, {
      baseURL: config.OPENAI_BASE_URL ?? 'http://127.0.0.1:8080/v1',
      apiKey: config.OPENAI_API_KEY,
      ...timeouts,
    });

  return {
    async resolve({ requestedModel, defaultModel }) {
      if (requestedModel === 'extractive') return extractive;
      switch (config.LLM_PROVIDER) {
        case 'extractive':
          return extractive;
        case 'ollama':
          return ollama(requestedModel ?? defaultModel ?? config.OLLAMA_MODEL);
        case 'openai':
          return openai(requestedModel ?? defaultModel ?? config.OPENAI_MODEL);
        case 'auto': {
          if (config.OPENAI_BASE_URL) return openai(requestedModel ?? defaultModel ?? config.OPENAI_MODEL);
          const status = await ollamaStatus.check();
          if (!status.reachable) return extractive;
          return ollama(requestedModel ?? defaultModel ?? config.OLLAMA_MODEL);
        }
      }
    },
  };
}
