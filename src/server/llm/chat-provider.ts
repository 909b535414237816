import type { ChatProvider } from '../../protocol/llm.ts';
import type { Config } from '../config.ts';

export type { ChatProvider };

/**
 * The chat provider the configuration asks for. `auto` means an OpenAI-compatible server when one is
 * configured, else Ollama; whether Ollama answers right now is a live question (see the resolver).
 */
export function configuredChatProvider(config: Config): ChatProvider {
  if (config.LLM_PROVIDER === 'auto') return config.OPENAI_BASE_URL ? 'openai' : 'ollama';
  return config.LLM_PROVIDER;
}

/** The chat model used when the settings name none: the provider's own default. */
export function defaultChatModel(config: Config): string {
  return configuredChatProvider(config) === 'openai' ? config.OPENAI_MODEL : config.OLLAMA_MODEL;
}
