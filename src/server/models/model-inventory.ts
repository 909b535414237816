import type { InstalledModel, ModelKind } from '../../protocol/models.ts';
import { LlmError, ValidationError } from '../errors.ts';
import type { OllamaClient, OllamaShow } from '../llm/ollama/ollama-client.ts';
import { describeInstalledModel } from './model-classification.ts';

export type ClassifiedModel = InstalledModel & { kind: ModelKind };

/**
 * The models installed in Ollama, each described by `/api/show` (capabilities, context length). A
 * description is cached per name and digest, so listing stays one `/api/tags` call once warm, and a
 * re-pulled model (new digest) is described again.
 */
export class ModelInventory {
  private readonly descriptions = new Map<string, OllamaShow>();

  constructor(private readonly options: { client: OllamaClient; concurrency?: number }) {}

  async installed(options: { signal?: AbortSignal } = {}): Promise<ClassifiedModel[]> {
    const { client } = this.options;
    const tags = await client.listModels(options);
    const concurrency = this.options.concurrency ?? 4;
    const results: ClassifiedModel[] = new Array(tags.length);
    let next = 0;
    const worker = async () => {
      while (next < tags.length) {
        const index = next++;
        const tag = tags[index]!;
        const key = `${tag.name}@${tag.digest ?? ''}`;
        let show = this.descriptions.get(key);
        if (!show) {
          try {
            show = await client.showModel({ name: tag.name, signal: options.signal });
            this.descriptions.set(key, show);
          } catch (error) {
            // A model Ollama cannot describe is still listed, judged by its tag details alone.
            if (options.signal?.aborted) throw error;
          }
        }
        results[index] = describeInstalledModel(tag, show);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, tags.length) }, worker));
    return results;
  }

  /**
   * Checks that a model is installed and can do the job (chat or embedding). Throws ValidationError
   * when it is missing or of the wrong kind, and a 503-mapped LlmError when Ollama cannot be asked.
   */
  async requireModel(options: { name: string; kind: ModelKind; setting: string; signal?: AbortSignal }): Promise<void> {
    const { name, kind, setting } = options;
    let show: OllamaShow;
    try {
      show = await this.options.client.showModel({ name, signal: options.signal });
    } catch (error) {
      if (error instanceof LlmError && error.code === 'model_not_found') {
        throw new ValidationError(
          `${setting}: model '${name}' is not installed in Ollama; download it first (POST /api/settings/models/pull)`,
        );
      }
      if (error instanceof LlmError && (error.code === 'llm_unavailable' || error.code === 'llm_timeout')) {
        throw new LlmError(
          'llm_unavailable',
          `Cannot check model '${name}': Ollama is not reachable at ${this.options.client.baseURL}. Start Ollama (\`ollama serve\`) and try again; the setting was not changed`,
          { cause: error },
        );
      }
      throw error;
    }
    const actual = describeInstalledModel({ name }, show).kind;
    if (actual !== kind) {
      throw new ValidationError(
        `${setting}: model '${name}' is ${actual === 'embedding' ? 'an embedding' : 'a chat'} model; choose ${kind === 'embedding' ? 'an embedding' : 'a chat'} model`,
      );
    }
  }

  /** Forgets descriptions (after a pull or a delete). */
  invalidate(): void {
    this.descriptions.clear();
  }
}
