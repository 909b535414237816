import { z } from 'zod';
import { readErrorBody, safeJson } from './ollama-http.ts';
import { LlmError, isAbortError } from '../../errors.ts';
import { UpstreamDeadline, networkError, readLines } from '../stream-timeouts.ts';

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
    const body = await this.requestJson({ method: 'GET', path: '/api/tags', signal: options.signal });
    const parsed = TagsResponse.safeParse(body);
    if (!parsed.success) throw new LlmError('llm_bad_response', 'Ollama sent an unexpected model list');
    // One odd entry must not hide the others.
    return (parsed.data.models ?? []).flatMap((entry) => {
      const tag = OllamaTag.safeParse(entry);
      return tag.success ? [tag.data] : [];
    });
  }

  async showModel(options: { name: string; signal?: AbortSignal }): Promise<OllamaShow> {
    const body = await this.requestJson({
      method: 'POST',
      path: '/api/show',
      body: { model: options.name },
      signal: options.signal,
      modelName: options.name,
    });
    const parsed = ShowResponse.safeParse(body);
    if (!parsed.success) throw new LlmError('llm_bad_response', `Ollama sent an unexpected description of '${options.name}'`);
    return parsed.data;
  }

  async deleteModel(options: { name: string; signal?: AbortSignal }): Promise<void> {
    await this.requestJson({
      method: 'DELETE',
      path: '/api/delete',
      body: { model: options.name },
      signal: options.signal,
      modelName: options.name,
    });
  }

  /**
   * Downloads a model, yielding Ollama's progress lines until `success`. Throws `LlmError` on an HTTP
   * error, an `{"error": …}` line, a stall, or a stream that ends early; returns quietly when aborted.
   */
  async *pullModel(options: { name: string; signal: AbortSignal }): AsyncGenerator<OllamaPullLine> {
    const url = `${this.options.baseURL}/api/pull`;
    const idleMs = this.options.pullIdleTimeoutMs ?? 600_000;
    const deadline = new UpstreamDeadline(options.signal, { firstTokenMs: idleMs, idleMs, label: 'Ollama (model download)' });
    try {
      let response: Response;
      try {
        response = await (this.options.fetch ?? fetch)(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: options.name, stream: true }),
          signal: deadline.signal,
        });
      } catch (error) {
        if (deadline.timeoutError) throw deadline.timeoutError;
        if (options.signal.aborted || isAbortError(error)) return;
        throw networkError(error, 'Ollama', this.options.baseURL);
      }
      if (!response.ok || !response.body) throw await httpError(response, options.name);

      try {
        for await (const line of readLines(response.body as unknown as AsyncIterable<Uint8Array>, () => deadline.touch())) {
          const parsed = PullLine.safeParse(safeJson(line));
          if (!parsed.success) throw new LlmError('llm_bad_response', 'Ollama sent a malformed progress line');
          if (parsed.data.error) throw new LlmError('llm_error', parsed.data.error);
          yield parsed.data;
          if (parsed.data.status === 'success') return;
        }
      } catch (error) {
        if (deadline.timeoutError) throw deadline.timeoutError;
        if (error instanceof LlmError) throw error;
        if (options.signal.aborted || isAbortError(error)) return;
        throw new LlmError('llm_error', 'Ollama closed the download stream unexpectedly', { cause: error });
      }
      if (options.signal.aborted) return;
      throw new LlmError('llm_error', 'Ollama ended the download before it finished');
    } finally {
      deadline.dispose();
    }
  }

  private async requestJson(options: {
    method: 'GET' | 'POST' | 'DELETE';
    path: string;
    body?: unknown;
    signal?: AbortSignal;
    modelName?: string;
  }): Promise<unknown> {
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(`${this.options.baseURL}${options.path}`, {
        method: options.method,
        headers: options.body === undefined ? undefined : { 'content-type': 'application/json' },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
      });
      if (!response.ok) throw await httpError(response, options.modelName);
      const text = await response.text();
      return text ? safeJson(text) : undefined;
    } catch (error) {
      if (error instanceof LlmError) throw error;
      if (options.signal?.aborted) throw error;
      if (timeout.aborted) {
        throw new LlmError('llm_timeout', `Ollama at ${this.options.baseURL} did not answer within ${Math.round(timeoutMs / 1000)} s`, {
          cause: error,
        });
      }
      throw networkError(error, 'Ollama', this.options.baseURL);
    }
  }
}

async function httpError(response: Response, modelName: string | undefined): Promise<LlmError> {
  const detail = await readErrorBody(response);
  if (response.status === 404 && modelName !== undefined) {
    return new LlmError('model_not_found', `Model '${modelName}' is not installed in Ollama`, { statusCode: 404 });
  }
  return new LlmError('llm_error', detail || `Ollama answered HTTP ${response.status}`, { statusCode: response.status });
}
