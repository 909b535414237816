import type { Embedder, Embedding } from '../llm/embedder.ts';

/** Embeds texts in batches of `batchSize`, reporting after each batch; stops at the signal. */
export async function embedInBatches(options: {
  embedder: Embedder;
  texts: string[];
  batchSize: number;
  signal?: AbortSignal;
  onBatch?: (done: number, total: number) => Promise<void> | void;
}): Promise<Embedding[]> {
  const { embedder, texts, batchSize, signal } = options;
  const vectors: Embedding[] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    signal?.throwIfAborted();
    vectors.push(...(await embedder.embed({ texts: texts.slice(start, start + batchSize), signal })));
    await options.onBatch?.(vectors.length, texts.length);
  }
  return vectors;
}
