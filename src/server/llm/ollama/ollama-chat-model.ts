import { z } from 'zod';
import { readErrorBody, safeJson } from './ollama-http.ts';
import { LlmError, isAbortError } from '../../errors.ts';
import type { ChatModel, ChatPart, ChatStreamOptions } from '../chat-model.ts';
import { UpstreamDeadline, networkError, readLineBatches } from '../stream-timeouts.ts';

/** A line of Ollama's streaming `/api/chat` reply. Lenient: extra fields are ignored. */
const OllamaChatChunk = z.object({
  message: z.object({ content: z.string().optional() }).partial().optional(),
  done: z.boolean().optional(),
  done_reason: z.string().optional(),
  prompt_eval_count: z.number().optional(),
  eval_count: z.number().optional(),
  error: z.string().optional(),
});

export interface OllamaSettings {
  baseURL: string;
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
  fetch?: typeof fetch;
}

/** Streams `/api/chat` from an Ollama server as NDJSON; stop aborts the HTTP request itself. */
export class OllamaChatModel implements ChatModel {
  readonly provider = 'ollama' as const;

  constructor(
    readonly modelId: string,
    private readonly settings: OllamaSettings,
  ) {}

  async *stream(options: ChatStreamOptions): AsyncGenerator<ChatPart> {
    const url = `${this.settings.baseURL}/api/chat`;
    const deadline = new UpstreamDeadline(options.signal, {
      firstTokenMs: this.settings.firstTokenTimeoutMs,
      idleMs: this.settings.idleTimeoutMs,
      label: 'Ollama',
    });
    try {
      let response: Response;
      try {
        response = await (this.settings.fetch ?? fetch)(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: this.modelId,
            messages: options.messages,
            stream: true,
            options: { temperature: options.temperature, num_predict: options.maxTokens },
          }),
          signal: deadline.signal,
        });
      } catch (error) {
        if (deadline.timeoutError) throw deadline.timeoutError;
        if (options.signal.aborted || isAbortError(error)) return;
        throw networkError(error, 'Ollama', this.settings.baseURL);
      }

      if (!response.ok || !response.body) {
        const detail = await readErrorBody(response);
        if (response.status === 404) {
          throw new LlmError(
            'model_not_found',
            `Model '${this.modelId}' is not available in Ollama${detail ? ` (${detail})` : ''}; pull it first`,
            { statusCode: 404 },
          );
        }
        throw new LlmError('llm_error', `Ollama answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`, {
          statusCode: response.status,
        });
      }

      try {
        for await (const lines of readLineBatches(response.body as unknown as AsyncIterable<Uint8Array>, () => deadline.touch())) {
          // All the tokens of one network read become one delta (one socket event downstream).
          let text = '';
          for (const line of lines) {
            const chunk = OllamaChatChunk.safeParse(safeJson(line));
            if (!chunk.success || chunk.data.error) {
              if (text) yield { type: 'text-delta', text };
              throw chunk.success
                ? new LlmError('llm_error', `Ollama error: ${chunk.data.error}`)
                : new LlmError('llm_bad_response', 'Ollama sent a malformed stream line');
            }
            text += chunk.data.message?.content ?? '';
            if (chunk.data.done) {
              if (text) yield { type: 'text-delta', text };
              yield {
                type: 'finish',
                reason: chunk.data.done_reason ?? 'stop',
                promptTokens: chunk.data.prompt_eval_count,
                completionTokens: chunk.data.eval_count,
              };
              return;
            }
          }
          if (text) yield { type: 'text-delta', text };
        }
      } catch (error) {
        if (deadline.timeoutError) throw deadline.timeoutError;
        if (error instanceof LlmError) throw error;
        if (options.signal.aborted || isAbortError(error)) return;
        throw new LlmError('llm_error', 'Ollama closed the stream unexpectedly', { cause: error });
      }
      if (options.signal.aborted) return;
      throw new LlmError('llm_error', 'Ollama closed the stream before it was done');
    } finally {
      deadline.dispose();
    }
  }
}
