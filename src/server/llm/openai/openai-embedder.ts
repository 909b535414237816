import { z } from 'zod';
import { LlmError } from '../../errors.ts';
import { type Embedder, checkEmbeddings, postEmbeddingRequest } from '../embedder.ts';

const EmbeddingsResponse = z.object({
  data: z.array(z.object({ index: z.number().int().optional(), embedding: z.array(z.number()) })),
});

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

  async embed({ texts, signal }: { texts: string[]; signal?: AbortSignal }): Promise<number[][]> {
    if (texts.length === 0) return [];
    const body = await postEmbeddingRequest({
      url: `${this.settings.baseURL}/embeddings`,
      body: { model: this.modelId, input: texts, encoding_format: 'float' },
      headers: this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {},
      signal,
      timeoutMs: this.settings.timeoutMs,
      label: 'The embedding server',
      fetch: this.settings.fetch,
    });
    const parsed = EmbeddingsResponse.safeParse(body);
    if (!parsed.success) throw new LlmError('llm_bad_response', 'The embedding server sent a malformed /embeddings reply');
    const ordered = [...parsed.data.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map((item) => item.embedding);
    return checkEmbeddings(ordered, texts.length, 'The embedding server');
  }
}
