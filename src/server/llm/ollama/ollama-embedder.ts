import { z } from 'zod';
import { LlmError } from '../../errors.ts';
import { type Embedder, checkEmbeddings, postEmbeddingRequest } from '../embedder.ts';

const EmbedResponse = z.object({ embeddings: z.array(z.array(z.number())) });

/** Ollama's batched `POST /api/embed` (`input` is an array; one vector per input). */
export class OllamaEmbedder implements Embedder {
  readonly provider = 'ollama' as const;

  constructor(
    readonly modelId: string,
    private readonly settings: { baseURL: string; timeoutMs: number; fetch?: typeof fetch },
  ) {}

  async embed({ texts, signal }: { texts: string[]; signal?: AbortSignal }): Promise<number[][]> {
    if (texts.length === 0) return [];
    const body = await postEmbeddingRequest({
      url: `${this.settings.baseURL}/api/embed`,
      body: { model: this.modelId, input: texts, truncate: true },
      signal,
      timeoutMs: this.settings.timeoutMs,
      label: 'Ollama',
      fetch: this.settings.fetch,
    });
    const parsed = EmbedResponse.safeParse(body);
    if (!parsed.success) throw new LlmError('llm_bad_response', 'Ollama sent a malformed /api/embed reply');
    return checkEmbeddings(parsed.data.embeddings, texts.length, 'Ollama');
  }
}
