import { z } from 'zod';

/** A line of Ollama's streaming `/api/chat` reply. Lenient: extra fields are ignored. The source of truth. */
export const OllamaChatChunk = z.object({
  message: z.object({ content: z.string().optional() }).partial().optional(),
  done: z.boolean().optional(),
  done_reason: z.string().optional(),
  prompt_eval_count: z.number().optional(),
  eval_count: z.number().optional(),
  error: z.string().optional(),
});
export type OllamaChatChunk = z.infer<typeof OllamaChatChunk>;

// Ollama's token line, in the order its Go struct writes it:
// {"model":"…","created_at":"…","message":{"role":"assistant","content":"…"},"done":false}
const START = '{"model":"';
const CREATED_AT = '","created_at":"';
const MESSAGE = '","message":{"role":"assistant","content":"';
const END = '"},"done":false}';

/**
 * The hot path of a streamed answer (one line per token): recognises Ollama's token line by hand,
 * without `JSON.parse` and the schema, and answers what `OllamaChatChunk` answers for it. Only lines of
 * exactly that layout whose strings hold no escape (`\`) and no control character qualify, so the
 * string between the quotes is the value itself; anything else (a `\n` in a token, another field, a
 * different order, the final line) is left to the schema (undefined).
 */
export function ollamaTokenLine(line: string): OllamaChatChunk | undefined {
  if (!line.startsWith(START)) return undefined;
  let end = plainStringEnd(line, START.length);
  if (end === -1 || !line.startsWith(CREATED_AT, end)) return undefined;
  end = plainStringEnd(line, end + CREATED_AT.length);
  if (end === -1 || !line.startsWith(MESSAGE, end)) return undefined;
  const contentStart = end + MESSAGE.length;
  end = plainStringEnd(line, contentStart);
  if (end === -1 || end + END.length !== line.length || !line.startsWith(END, end)) return undefined;
  return { message: { content: line.slice(contentStart, end) }, done: false };
}

/** Index of the quote that closes a JSON string starting at `from`; -1 at an escape, a control character or the end. */
function plainStringEnd(text: string, from: number): number {
  for (let index = from; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x22) return index;
    if (code === 0x5c || code < 0x20) return -1;
  }
  return -1;
}
