import { z } from 'zod';

/** JSON.parse that answers undefined instead of throwing: upstream lines are checked by schemas next. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Ollama's `{"error": "..."}` body of a failed request, or its first 500 characters. */
export async function readErrorBody(response: Response): Promise<string> {
  try {
    const text = (await response.text()).slice(0, 500);
    const parsed = z.object({ error: z.string() }).safeParse(safeJson(text));
    return parsed.success ? parsed.data.error : text.trim();
  } catch {
    return '';
  }
}
