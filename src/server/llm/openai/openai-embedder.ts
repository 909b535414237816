import { LlmError } from '../../errors.ts';
import { type Embedder, type Embedding, postEmbeddingRequest, toEmbeddings } from '../embedder.ts';

/**
 * `POST {baseURL}/embeddings` of any OpenAI-compatible server. `encoding_format: 'float'` is sent
 * explicitly: some servers (and the openai SDK) default to base64.
 */
export class OpenAICompatibleEmbedder implements Embedder {
  readonly provider = 'openai' as const;

  constructor(
    readonly modelId: string,
    private readonly settings: { baseURL: string; apiKey?: string; timeoutMs: number; fetch?: typeof fetch },
  ) {}

  async embed({ texts, signal }: { texts: string[]; signal?: AbortSignal }): Promise<Embedding[]> {
    if (texts.length === 0) return [];
    const body = await postEmbeddingRequest({
      url: `${this.settings.baseURL}/embeddings`,
      body: { model: this.modelId, input: texts, encoding_format: 'float' },
      headers: this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {},
      signal,
      host: this.settings.baseURL,
      timeoutMs: this.settings.timeoutMs,
      label: 'The embedding server',
      modelId: this.modelId,
      fetch: this.settings.fetch,
    });
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw new LlmError('llm_bad_response', 'The embedding server sent a malformed /embeddings reply');
    const ordered = [...(data as Array<{ index?: unknown; embedding?: unknown }>)]
      .sort((a, b) => (typeof a.index === 'number' ? a.index : 0) - (typeof b.index === 'number' ? b.index : 0))
      .map((item) => item?.embedding);
    return toEmbeddings(ordered, texts.length, 'The embedding server');
  }
}
