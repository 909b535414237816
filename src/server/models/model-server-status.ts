import type { ModelServerReport } from '../../protocol/llm.ts';
import type { Config } from '../config.ts';
import { type ChatProvider, configuredChatProvider } from '../llm/chat-provider.ts';
import type { OllamaStatus, OllamaStatusProbe } from '../llm/ollama/ollama-status.ts';
import { EXTRACTIVE_MODEL, type SettingsService } from '../settings/settings-service.ts';
import { isSameModel } from './model-names.ts';

export interface ModelServersReport {
  provider: ChatProvider;
  ollama: OllamaStatus;
  llm: ModelServerReport;
  embedding: ModelServerReport;
  /** What answers and retrieval use right now. */
  modelsInUse: { llm: string; embedding: string };
}

/**
 * Whether the chat and embedding servers answer and have the chosen models, said plainly: when Ollama
 * is down, answers are quoted passages (extractive) and search is full-text only, and the messages
 * say so and how to fix it.
 */
export async function reportModelServers(options: {
  config: Config;
  probe: OllamaStatusProbe;
  settings: SettingsService;
  fresh?: boolean;
}): Promise<ModelServersReport> {
  const { config, probe, settings } = options;
  const [ollama, global] = await Promise.all([probe.check({ fresh: options.fresh }), settings.getGlobal()]);
  const provider = configuredChatProvider(config);
  const llmModel = global.default_llm_model;
  const embeddingModel = global.default_embedding_model;
  const installed = (name: string) => (ollama.reachable ? ollama.models.some((model) => isSameModel(model, name)) : null);
  const down = `Cannot connect to Ollama (${ollama.error ?? 'unreachable'})`;

  let llm: ModelServerReport;
  let llmInUse = llmModel;
  if (provider === 'extractive' || llmModel === EXTRACTIVE_MODEL) {
    llmInUse = EXTRACTIVE_MODEL;
    llm = {
      reachable: null,
      model: EXTRACTIVE_MODEL,
      model_installed: null,
      message: 'No language model is used: answers are the most relevant passages of your documents, quoted',
    };
  } else if (provider === 'openai') {
    llm = {
      reachable: null,
      model: llmModel,
      model_installed: null,
      message: 'Answers come from the configured OpenAI-compatible server (not probed)',
    };
  } else if (!ollama.reachable) {
    const fallback = config.LLM_PROVIDER === 'auto';
    if (fallback) llmInUse = EXTRACTIVE_MODEL;
    llm = {
      reachable: false,
      model: llmModel,
      model_installed: null,
      message: fallback
        ? `${down}: answers are extractive quotes from your documents until it runs (start it with \`ollama serve\`)`
        : `${down}: answers fail until it runs (start it with \`ollama serve\`)`,
    };
  } else {
    const present = installed(llmModel);
    llm = {
      reachable: true,
      model: llmModel,
      model_installed: present,
      message: present
        ? 'Connected to Ollama'
        : `Connected to Ollama, but the chat model '${llmModel}' is not installed: download it in the settings`,
    };
  }

  let embedding: ModelServerReport;
  let embeddingInUse = embeddingModel;
  if (provider === 'openai') {
    embedding = { reachable: null, model: embeddingModel, model_installed: null, message: 'Embeddings server not probed' };
  } else if (!ollama.reachable) {
    embeddingInUse = 'none';
    embedding = {
      reachable: false,
      model: embeddingModel,
      model_installed: null,
      message: `${down}: search uses full-text matching only until it runs`,
    };
  } else {
    const present = installed(embeddingModel);
    if (!present) embeddingInUse = 'none';
    embedding = {
      reachable: true,
      model: embeddingModel,
      model_installed: present,
      message: present
        ? 'Connected to Ollama'
        : `Connected to Ollama, but the embedding model '${embeddingModel}' is not installed: search uses full-text matching only until it is`,
    };
  }

  return { provider, ollama, llm, embedding, modelsInUse: { llm: llmInUse, embedding: embeddingInUse } };
}
