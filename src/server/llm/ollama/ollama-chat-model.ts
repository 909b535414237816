import { LlmError } from '../../errors.ts';
import type { ChatModel, ChatPart, ChatStreamOptions } from '../chat-model.ts';
import { createFailedResponseHandler } from '../http/failed-response-handler.ts';
import { postJsonToApi } from '../http/post-to-api.ts';
import { createJsonStreamResponseHandler } from '../http/response-handlers.ts';
import { OllamaChatChunk, ollamaTokenLine } from './ollama-chat-chunk.ts';

export interface OllamaSettings {
  baseURL: string;
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
  /** Longest NDJSON line accepted; default MAX_UPSTREAM_LINE_BYTES. */
  maxLineBytes?: number;
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
    try {
      const batches = await postJsonToApi({
        url: `${this.settings.baseURL}/api/chat`,
        label: 'Ollama',
        host: this.settings.baseURL,
        body: {
          model: this.modelId,
          messages: options.messages,
          stream: true,
          options: { temperature: options.temperature, num_predict: options.maxTokens },
        },
        abortSignal: options.signal,
        timeout: { firstByteMs: this.settings.firstTokenTimeoutMs, idleMs: this.settings.idleTimeoutMs },
        failedResponseHandler: createFailedResponseHandler({
          notFound: (detail) => `Model '${this.modelId}' is not available in Ollama${detail ? ` (${detail})` : ''}; pull it first`,
        }),
        successfulResponseHandler: createJsonStreamResponseHandler(OllamaChatChunk, {
          maxLineBytes: this.settings.maxLineBytes,
          fastPath: ollamaTokenLine,
        }),
        fetch: this.settings.fetch,
      });
      for await (const batch of batches) {
        // All the tokens of one network read become one delta (one socket event downstream).
        let text = '';
        for (const chunk of batch) {
          if (!chunk.success || chunk.value.error) {
            if (text) yield { type: 'text-delta', text };
            throw chunk.success
              ? new LlmError('llm_error', `Ollama error: ${chunk.value.error}`)
              : new LlmError('llm_bad_response', 'Ollama sent a malformed stream line');
          }
          text += chunk.value.message?.content ?? '';
          if (chunk.value.done) {
            if (text) yield { type: 'text-delta', text };
            yield {
              type: 'finish',
              reason: chunk.value.done_reason ?? 'stop',
              promptTokens: chunk.value.prompt_eval_count,
              completionTokens: chunk.value.eval_count,
            };
            return;
          }
        }
        if (text) yield { type: 'text-delta', text };
      }
    } catch (error) {
      // Stop is not a failure: the caller's abort passes through the HTTP layer untouched, and ends here.
      if (options.signal.aborted && !(error instanceof LlmError)) return;
      throw error;
    }
    if (options.signal.aborted) return;
    throw new LlmError('llm_error', 'Ollama closed the stream before it was done');
  }
}
