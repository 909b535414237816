import { EventSourceParserStream } from 'eventsource-parser/stream';
import { z } from 'zod';
import { LlmError, isAbortError } from '../../errors.ts';
import type { ChatModel, ChatPart, ChatStreamOptions } from '../chat-model.ts';
import { UpstreamDeadline, networkError } from '../stream-timeouts.ts';

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
    const deadline = new UpstreamDeadline(options.signal, {
      firstTokenMs: this.settings.firstTokenTimeoutMs,
      idleMs: this.settings.idleTimeoutMs,
      label: 'The model server',
    });
    try {
      let response: Response;
      try {
        response = await (this.settings.fetch ?? fetch)(`${this.settings.baseURL}/chat/completions`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: this.modelId,
            messages: options.messages,
            stream: true,
            temperature: options.temperature,
            max_tokens: options.maxTokens,
          }),
          signal: deadline.signal,
        });
      } catch (error) {
        if (deadline.timeoutError) throw deadline.timeoutError;
        if (options.signal.aborted || isAbortError(error)) return;
        throw networkError(error, 'the model server', this.settings.baseURL);
      }
      if (!response.ok || !response.body) {
        const detail = (await response.text().catch(() => '')).slice(0, 300).trim();
        throw new LlmError(
          response.status === 404 ? 'model_not_found' : 'llm_error',
          response.status === 404
            ? `Model '${this.modelId}' is not available on the model server`
            : `The model server answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
          { statusCode: response.status },
        );
      }

      const events = response.body
        .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
        .pipeThrough(new EventSourceParserStream());
      let finishReason = 'stop';
      try {
        for await (const event of events as unknown as AsyncIterable<{ data: string }>) {
          deadline.touch();
          if (event.data === '[DONE]') {
            yield { type: 'finish', reason: finishReason };
            return;
          }
          let json: unknown;
          try {
            json = JSON.parse(event.data);
          } catch {
            throw new LlmError('llm_bad_response', 'The model server sent a malformed stream frame');
          }
          const chunk = CompletionChunk.safeParse(json);
          if (!chunk.success) throw new LlmError('llm_bad_response', 'The model server sent an unexpected frame');
          if (chunk.data.error) {
            throw new LlmError('llm_error', `Model server error: ${chunk.data.error.message ?? 'unknown'}`);
          }
          const choice = chunk.data.choices?.[0];
          if (choice?.delta?.content) yield { type: 'text-delta', text: choice.delta.content };
          if (choice?.finish_reason) finishReason = choice.finish_reason;
        }
      } catch (error) {
        if (deadline.timeoutError) throw deadline.timeoutError;
        if (error instanceof LlmError) throw error;
        if (options.signal.aborted || isAbortError(error)) return;
        throw new LlmError('llm_error', 'The model server closed the stream unexpectedly', { cause: error });
      }
      if (options.signal.aborted) return;
      yield { type: 'finish', reason: finishReason };
    } finally {
      deadline.dispose();
    }
  }
}
