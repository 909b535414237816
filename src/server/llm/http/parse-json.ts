import type { z } from 'zod';

/** A chunk checked against its schema: the value, or the fact that it did not fit (never a throw). */
export type ParseResult<T> = { success: true; value: T } | { success: false };

/** JSON.parse that answers undefined instead of throwing: upstream text is checked by a schema next. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Parses one upstream chunk leniently (AI SDK `safeParseJSON`): not JSON and wrong shape both fail softly. */
export function safeParseJson<T>(options: { text: string; schema: z.ZodType<T> }): ParseResult<T> {
  const parsed = options.schema.safeParse(safeJson(options.text));
  return parsed.success ? { success: true, value: parsed.data } : { success: false };
}
