import type { ModelKind, ModelSearchResult } from '../../protocol/models.ts';
import { ModelName } from '../../protocol/settings.ts';
import { isSameModel } from './model-names.ts';

export interface CatalogEntry {
  name: string;
  /** Display size of the default tag, as the original showed it. */
  size: string;
  description: string;
  type: ModelKind;
  featured: boolean;
}

const llm = (name: string, size: string, description: string, featured = false): CatalogEntry => ({
  name,
  size,
  description,
  type: 'llm',
  featured,
});
const embedding = (name: string, size: string, description: string, featured = false): CatalogEntry => ({
  name,
  size,
  description,
  type: 'embedding',
  featured,
});

/** The original's curated catalog (`POPULAR_MODELS`): featured entries first. */
export const MODEL_CATALOG: readonly CatalogEntry[] = [
  llm('llama3.2', '2.0GB', "Meta's Llama 3.2 3B: small, fast, good for everyday questions", true),
  llm('llama3.1', '4.7GB', "Meta's Llama 3.1 8B: strong general model with a 128k context", true),
  llm('mistral', '4.1GB', 'Mistral 7B: fast and capable general model', true),
  llm('mixtral', '26GB', 'Mixtral 8x7B mixture of experts: high quality, needs a lot of memory', true),
  llm('qwen2.5', '4.7GB', "Alibaba's Qwen 2.5 7B: multilingual, good at structured answers", true),
  llm('phi3', '2.3GB', "Microsoft's Phi-3 Mini: small model with strong reasoning", true),
  llm('llama3', '4.7GB', "Meta's Llama 3 8B"),
  llm('llama2', '3.8GB', "Meta's Llama 2 7B"),
  llm('codellama', '3.8GB', 'Code Llama: Llama 2 tuned for code'),
  llm('mistral-nemo', '7.1GB', 'Mistral NeMo 12B with a 128k context'),
  llm('mistral-small', '14GB', 'Mistral Small 24B'),
  llm('dolphin-mistral', '4.1GB', 'Dolphin fine-tune of Mistral 7B'),
  llm('qwen2.5-coder', '4.7GB', 'Qwen 2.5 tuned for code'),
  llm('qwen2', '4.4GB', "Alibaba's Qwen 2 7B"),
  llm('phi3.5', '2.2GB', "Microsoft's Phi-3.5 Mini"),
  llm('gemma2', '5.4GB', "Google's Gemma 2 9B"),
  llm('gemma', '5.0GB', "Google's Gemma 7B"),
  llm('codegemma', '5.0GB', 'Gemma tuned for code'),
  llm('deepseek-coder', '776MB', 'DeepSeek Coder 1.3B'),
  llm('deepseek-r1', '4.7GB', 'DeepSeek-R1 distilled 7B reasoning model'),
  llm('deepseek-llm', '4.0GB', 'DeepSeek LLM 7B'),
  llm('openchat', '4.1GB', 'OpenChat 7B'),
  llm('starling-lm', '4.1GB', 'Starling 7B, trained with RLAIF'),
  llm('neural-chat', '4.1GB', "Intel's Neural Chat 7B"),
  llm('vicuna', '3.8GB', 'Vicuna 7B chat model'),
  llm('nous-hermes2', '6.1GB', 'Nous Hermes 2 10.7B'),
  llm('wizardlm2', '4.1GB', "Microsoft's WizardLM-2 7B"),
  llm('yi', '3.5GB', "01.AI's Yi 6B, English and Chinese"),
  llm('yi-coder', '5.0GB', 'Yi tuned for code'),
  llm('orca-mini', '2.0GB', 'Orca Mini 3B, for modest hardware'),
  llm('stablelm2', '983MB', "Stability AI's StableLM 2 1.6B, multilingual"),
  llm('solar', '6.1GB', "Upstage's Solar 10.7B"),
  llm('falcon', '4.2GB', "TII's Falcon 7B"),
  llm('gpt-oss', '14GB', "OpenAI's open-weight gpt-oss 20B"),
  llm('llama3.3', '43GB', "Meta's Llama 3.3 70B: near-frontier quality, needs a large GPU"),
  llm('qwen2.5-instruct', '4.7GB', 'Qwen 2.5 instruction-tuned'),
  embedding('nomic-embed-text', '274MB', 'High-quality English embeddings with a long context', true),
  embedding('mxbai-embed-large', '669MB', 'Large, accurate embeddings from mixedbread.ai', true),
  embedding('all-minilm', '46MB', 'Tiny and fast sentence embeddings', true),
  embedding('bge-large', '671MB', 'BAAI BGE large English embeddings'),
  embedding('bge-m3', '1.2GB', 'BAAI BGE-M3: multilingual, long documents'),
  embedding('snowflake-arctic-embed', '669MB', "Snowflake's Arctic embeddings for retrieval"),
  embedding('gte-large', '670MB', 'Alibaba GTE large embeddings'),
  embedding('embeddinggemma', '622MB', "Google's EmbeddingGemma 300M, multilingual"),
  embedding('jina-embeddings-v3', '1.1GB', 'Jina embeddings v3, multilingual'),
];

const CUSTOM_DESCRIPTION =
  'Not in the curated list: any model of the Ollama library (ollama.com/library) can be downloaded by its exact name, tag included';

function isInstalled(name: string, installed: readonly string[]): boolean {
  return installed.some((installedName) => isSameModel(installedName, name));
}

/** The featured entries, split by kind, each marked installed or not. */
export function popularModels(installed: readonly string[]) {
  const featured = MODEL_CATALOG.filter((entry) => entry.featured);
  const present = (entry: CatalogEntry) => ({
    name: entry.name,
    size: entry.size,
    description: entry.description,
    installed: isInstalled(entry.name, installed),
  });
  return {
    llm_models: featured.filter((entry) => entry.type === 'llm').map(present),
    embedding_models: featured.filter((entry) => entry.type === 'embedding').map(present),
  };
}

/**
 * Case-insensitive search on name and description over the whole catalog, featured first. When the
 * query is itself a valid model name that the catalog does not list, it is offered too (`custom`), so
 * any Ollama model can be installed by name.
 */
export function searchModels(options: { query: string; modelType?: ModelKind; installed: readonly string[] }): ModelSearchResult[] {
  const { query, modelType, installed } = options;
  const needle = query.trim().toLowerCase();
  const matches = MODEL_CATALOG.filter(
    (entry) =>
      (!modelType || entry.type === modelType) &&
      (entry.name.toLowerCase().includes(needle) || entry.description.toLowerCase().includes(needle)),
  )
    .sort((left, right) => Number(right.featured) - Number(left.featured))
    .map((entry) => ({
      ...entry,
      installed: isInstalled(entry.name, installed),
      custom: false,
    }));
  const listed = MODEL_CATALOG.some((entry) => isSameModel(entry.name, query));
  if (!listed && ModelName.safeParse(query).success) {
    matches.push({
      name: query.trim(),
      size: 'unknown',
      description: CUSTOM_DESCRIPTION,
      type: modelType ?? 'llm',
      featured: false,
      installed: isInstalled(query, installed),
      custom: true,
    });
  }
  return matches;
}
