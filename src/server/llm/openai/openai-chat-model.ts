import { z } from 'zod';
import { LlmError } from '../../errors.ts';
import type { ChatModel, ChatPart, ChatStreamOptions } from '../chat-model.ts';
import { createFailedResponseHandler } from '../http/failed-response-handler.ts';
import { postJsonToApi } from '../http/post-to-api.ts';
import { createEventSourceResponseHandler } from '../http/response-handlers.ts';

/** One `data:` frame of a streamed chat completion. Lenient, as servers differ. */
const CompletionChunk = z.object({
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullish() }).partial().nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).partial().nullish(),
  error: z.object({ message: z.string() }).partial().nullish(),
});

export interface OpenAICompatibleSettings {
  baseURL: string;
  apiKey?: string;
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
  /** Longest SSE line or event accepted; default MAX_UPSTREAM_LINE_BYTES. */
  maxLineBytes?: number;
  fetch?: typeof fetch;
}

/** Streams `POST {baseURL}/chat/completions` (SSE) from any OpenAI-compatible server. */
export class OpenAICompatibleChatModel implements ChatModel {
  readonly provider = 'openai' as const;

  constructor(
    readonly modelId: string,
    private readonly settings: OpenAICompatibleSettings,
  ) {}

  async *stream(options: ChatStreamOptions): AsyncGenerator<ChatPart> {
    let finishReason = 'stop';
    try {
      const frames = await postJsonToApi({
        url: `${this.settings.baseURL}/chat/completions`,
        label: 'The model server',
        host: this.settings.baseURL,
        headers: this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {},
        body: {
          model: this.modelId,
          messages: options.messages,
          stream: true,
          temperature: options.temperature,
          max_tokens: options.maxTokens,
        },
        abortSignal: options.signal,
        timeout: { firstByteMs: this.settings.firstTokenTimeoutMs, idleMs: this.settings.idleTimeoutMs },
        failedResponseHandler: createFailedResponseHandler({
          notFound: () => `Model '${this.modelId}' is not available on the model server`,
        }),
        successfulResponseHandler: createEventSourceResponseHandler(CompletionChunk, { maxLineBytes: this.settings.maxLineBytes }),
        fetch: this.settings.fetch,
      });
      for await (const frame of frames) {
        if (!frame.success) throw new LlmError('llm_bad_response', 'The model server sent a malformed stream frame');
        if (frame.value.error) {
          throw new LlmError('llm_error', `Model server error: ${frame.value.error.message ?? 'unknown'}`);
        }
        const choice = frame.value.choices?.[0];
        if (choice?.delta?.content) yield { type: 'text-delta', text: choice.delta.content };
        if (choice?.finish_reason) finishReason = choice.finish_reason;
      }
    } catch (error) {
      // Stop is not a failure: the caller's abort passes through the HTTP layer untouched, and ends here.
      if (options.signal.aborted && !(error instanceof LlmError)) return;
      throw error;
    }
    if (options.signal.aborted) return;
    yield { type: 'finish', reason: finishReason };
  }
}
