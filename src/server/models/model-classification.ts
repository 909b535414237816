import type { InstalledModel, ModelKind } from '../../protocol/models.ts';
import type { OllamaShow, OllamaTag } from '../llm/ollama/ollama-client.ts';

/** Architectures that only embed; used only when Ollama is too old to report capabilities. */
const EMBEDDING_FAMILIES = new Set(['bert', 'nomic-bert', 'nomic-bert-moe', 'xlm-roberta', 'jina-bert', 'jina-bert-v2', 'new']);

/**
 * Chat or embedding model, by what Ollama says the model can do (`/api/show` → `capabilities`), never
 * by its name: `all-minilm` and `bge-m3` embed although their names lack "embed". Older servers that
 * report no capabilities are judged by the model's architecture (a pooling layer, a BERT family).
 */
export function classifyModel(options: { capabilities: readonly string[]; show?: OllamaShow; tag?: OllamaTag }): ModelKind {
  const { capabilities, show, tag } = options;
  if (capabilities.includes('embedding')) return 'embedding';
  if (capabilities.length > 0) return 'llm';
  const info = show?.model_info ?? {};
  if (Object.keys(info).some((key) => key.endsWith('.pooling_type'))) return 'embedding';
  const families = [show?.details?.family, ...(show?.details?.families ?? []), tag?.details?.family, ...(tag?.details?.families ?? [])];
  return families.some((family) => family && EMBEDDING_FAMILIES.has(family.toLowerCase())) ? 'embedding' : 'llm';
}

function modelInfoNumber(show: OllamaShow | undefined, suffix: string): number | null {
  for (const [key, value] of Object.entries(show?.model_info ?? {})) {
    if (key.endsWith(suffix) && typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  }
  return null;
}

/** One installed model in our wire shape, from its `/api/tags` entry and (when it answered) `/api/show`. */
export function describeInstalledModel(tag: OllamaTag, show: OllamaShow | undefined): InstalledModel & { kind: ModelKind } {
  const capabilities = show?.capabilities ?? [];
  const details = show?.details ?? tag.details ?? undefined;
  return {
    name: tag.name,
    size: Math.max(0, Math.trunc(tag.size ?? 0)),
    modified_at: tag.modified_at ?? show?.modified_at ?? '',
    family: details?.family ?? null,
    parameter_size: details?.parameter_size ?? null,
    quantization_level: details?.quantization_level ?? null,
    context_length: modelInfoNumber(show, '.context_length'),
    embedding_length: modelInfoNumber(show, '.embedding_length'),
    capabilities: [...capabilities],
    kind: classifyModel({ capabilities, show, tag }),
  };
}
