import { type Embedder, type Embedding, postEmbeddingRequest, toEmbeddings } from '../embedder.ts';

/** Ollama's batched `POST /api/embed` (`input` is an array; one vector per input). */
export class OllamaEmbedder implements Embedder {
  readonly provider = 'ollama' as const;

  constructor(
    readonly modelId: string,
    private readonly settings: { baseURL: string; timeoutMs: number; fetch?: typeof fetch },
  ) {}

  async embed({ texts, signal }: { texts: string[]; signal?: AbortSignal }): Promise<Embedding[]> {
    if (texts.length === 0) return [];
    const body = await postEmbeddingRequest({
      url: `${this.settings.baseURL}/api/embed`,
      body: { model: this.modelId, input: texts, truncate: true },
      signal,
      host: this.settings.baseURL,
      timeoutMs: this.settings.timeoutMs,
      label: 'Ollama',
      modelId: this.modelId,
      fetch: this.settings.fetch,
    });
    return toEmbeddings((body as { embeddings?: unknown } | null)?.embeddings, texts.length, 'Ollama');
  }
}
