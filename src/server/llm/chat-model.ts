import type { ChatProvider } from '../../protocol/llm.ts';
import type { MessageRole } from '../../protocol/messages.ts';
import type { Source } from '../../protocol/source.ts';

export interface ChatMessage {
  role: MessageRole;
  content: string;
}

/** A piece of a streamed answer. Errors are thrown as `LlmError`; an aborted stream just ends. */
export type ChatPart =
  | { type: 'text-delta'; text: string }
  | { type: 'finish'; reason: string; promptTokens?: number; completionTokens?: number };

export interface ChatStreamOptions {
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
  signal: AbortSignal;
  /** The question and passages in structured form, for models that answer without an LLM. */
  grounding: { question: string; sources: Source[] };
}

/**
 * A chat model behind the narrow interface domain code uses (after the AI SDK's `LanguageModel`).
 * Ollama, OpenAI-compatible servers and the extractive fallback implement it; a test fake is ten lines.
 */
export interface ChatModel {
  readonly provider: ChatProvider;
  readonly modelId: string;
  stream(options: ChatStreamOptions): AsyncIterable<ChatPart>;
}
