import { z } from 'zod';
import { LlmError } from '../../errors.ts';
import { createFailedResponseHandler } from '../http/failed-response-handler.ts';
import { deleteJsonFromApi, getFromApi, postJsonToApi } from '../http/post-to-api.ts';
import { createJsonResponseHandler, createJsonStreamResponseHandler } from '../http/response-handlers.ts';

// Responses are parsed leniently (AI SDK practice): only the fields we use, extra fields allowed,
// wrong-typed optional fields dropped rather than failing the whole answer.

const OllamaModelDetails = z
  .object({
    format: z.string().optional().catch(undefined),
    family: z.string().optional().catch(undefined),
    families: z.array(z.string()).nullish().catch(undefined),
    parameter_size: z.string().optional().catch(undefined),
    quantization_level: z.string().optional().catch(undefined),
  })
  .passthrough();

const OllamaTag = z
  .object({
    name: z.string(),
    model: z.string().optional().catch(undefined),
    size: z.number().optional().catch(undefined),
    digest: z.string().optional().catch(undefined),
    modified_at: z.string().optional().catch(undefined),
    details: OllamaModelDetails.nullish().catch(undefined),
  })
  .passthrough();
export type OllamaTag = z.infer<typeof OllamaTag>;

const TagsResponse = z.object({ models: z.array(z.unknown()).nullish() });

const ShowResponse = z
  .object({
    details: OllamaModelDetails.nullish().catch(undefined),
    model_info: z.record(z.string(), z.unknown()).nullish().catch(undefined),
    capabilities: z.array(z.string()).nullish().catch(undefined),
    modified_at: z.string().optional().catch(undefined),
  })
  .passthrough();
export type OllamaShow = z.infer<typeof ShowResponse>;

const PullLine = z.object({
  status: z.string().optional().catch(undefined),
  digest: z.string().optional().catch(undefined),
  total: z.number().optional().catch(undefined),
  completed: z.number().optional().catch(undefined),
  error: z.string().optional().catch(undefined),
});
export type OllamaPullLine = z.infer<typeof PullLine>;

export interface OllamaClientOptions {
  baseURL: string;
  /** Limit for the short calls (tags, show, delete). */
  requestTimeoutMs?: number;
  /** A pull that sends nothing for this long is failed (verifying a huge blob can be silent for minutes). */
  pullIdleTimeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Ollama's model-management API over fetch: list (`/api/tags`), describe (`/api/show`), download with
 * NDJSON progress (`/api/pull`), delete (`/api/delete`). Every call takes an AbortSignal; aborting a
 * pull hangs up the upstream request. Failures are `LlmError`s: `llm_unavailable` when Ollama cannot be
 * reached, `model_not_found` for a 404, `llm_error` otherwise.
 */
export class OllamaClient {
  constructor(private readonly options: OllamaClientOptions) {}

  get baseURL(): string {
    return this.options.baseURL;
  }

  async listModels(options: { signal?: AbortSignal } = {}): Promise<OllamaTag[]> {
    const parsed = await getFromApi({
      ...this.request('/api/tags', options.signal),
      successfulResponseHandler: createJsonResponseHandler(TagsResponse, 'a model list'),
    });
    // One odd entry must not hide the others.
    return (parsed.models ?? []).flatMap((entry) => {
      const tag = OllamaTag.safeParse(entry);
      return tag.success ? [tag.data] : [];
    });
  }

  async showModel(options: { name: string; signal?: AbortSignal }): Promise<OllamaShow> {
    return postJsonToApi({
      ...this.request('/api/show', options.signal, options.name),
      body: { model: options.name },
      successfulResponseHandler: createJsonResponseHandler(ShowResponse, `a description of '${options.name}'`),
    });
  }

  async deleteModel(options: { name: string; signal?: AbortSignal }): Promise<void> {
    await deleteJsonFromApi({
      ...this.request('/api/delete', options.signal, options.name),
      body: { model: options.name },
      successfulResponseHandler: async () => undefined,
    });
  }

  /**
   * Downloads a model, yielding Ollama's progress lines until `success`. Throws `LlmError` on an HTTP
   * error, an `{"error": …}` line, a stall, or a stream that ends early; returns quietly when aborted.
   */
  async *pullModel(options: { name: string; signal: AbortSignal }): AsyncGenerator<OllamaPullLine> {
    // A pull is wrapped as "Downloading 'x' failed: …", so the messages need not say it is a download.
    const idleMs = this.options.pullIdleTimeoutMs ?? 600_000;
    try {
      const batches = await postJsonToApi({
        ...this.request('/api/pull', options.signal, options.name),
        body: { model: options.name, stream: true },
        timeout: { firstByteMs: idleMs, idleMs },
        successfulResponseHandler: createJsonStreamResponseHandler(PullLine),
      });
      for await (const batch of batches) {
        for (const line of batch) {
          if (!line.success) throw new LlmError('llm_bad_response', 'Ollama sent a malformed progress line');
          if (line.value.error) throw new LlmError('llm_error', line.value.error);
          yield line.value;
          if (line.value.status === 'success') return;
        }
      }
    } catch (error) {
      // Cancel is not a failure: the caller's abort passes through the HTTP layer untouched.
      if (options.signal.aborted && !(error instanceof LlmError)) return;
      throw error;
    }
    if (options.signal.aborted) return;
    throw new LlmError('llm_error', 'Ollama ended the download before it finished');
  }

  /** What every call shares: the URL, a whole-request timeout, and Ollama's error mapping. */
  private request(path: string, signal: AbortSignal | undefined, modelName?: string) {
    return {
      url: `${this.options.baseURL}${path}`,
      label: 'Ollama',
      host: this.options.baseURL,
      abortSignal: signal,
      timeout: { totalMs: this.options.requestTimeoutMs ?? 10_000 },
      failedResponseHandler: createFailedResponseHandler({
        notFound: modelName === undefined ? undefined : () => `Model '${modelName}' is not installed in Ollama`,
        message: ({ status, detail }) => detail || `Ollama answered HTTP ${status}`,
      }),
      fetch: this.options.fetch,
    };
  }
}
