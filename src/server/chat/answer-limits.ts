/**
 * The server's own ceiling on an answer, whatever the model does with `num_predict` / `max_tokens`
 * (a model that ignored it streamed 3,000 tokens for `max_tokens: 10`). Providers do not report
 * tokens as they stream, so tokens are estimated from characters, the same way for every provider.
 */

/** Characters per token in the estimate (the usual rule of thumb for BPE tokenizers on prose). */
export const CHARACTERS_PER_TOKEN = 4;

export type TruncationReason = 'max_tokens' | 'max_time';

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARACTERS_PER_TOKEN);
}

/**
 * Estimated tokens an answer may reach before the server cuts it: half again the requested
 * `max_tokens` plus a margin, so that an honest model (which stops at `max_tokens` real tokens) is
 * never cut by the estimate's error, while one that ignores the limit is stopped soon after it.
 */
export function answerTokenCap(maxTokens: number): number {
  return Math.ceil(maxTokens * 1.5) + 64;
}

/** The sentence saved with a cut answer (the message's `error` field) and logged. */
export function truncationNote(reason: TruncationReason, limits: { maxTokens: number; maxMs: number }): string {
  return reason === 'max_tokens'
    ? `The answer was cut at the server's limit of about ${answerTokenCap(limits.maxTokens)} tokens (max_tokens ${limits.maxTokens}).`
    : `The answer was cut at the server's time limit of ${Math.round(limits.maxMs / 1000)} s.`;
}
