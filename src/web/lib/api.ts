/** A failed API call, carrying the server's `{detail}` message (or a plain-language one). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/**
 * Calls the REST API with JSON in and out; throws ApiError with the server's `{detail}`. With an API
 * token, the session cookie authenticates (same-origin fetches send it; see api/session.ts).
 */
export async function apiRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('The server cannot be reached. Is it running?', 0, 'network');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed = parseJson(text);
  if (!response.ok) throw errorFromBody(response.status, parsed, text);
  return parsed as T;
}

export function errorFromBody(status: number, parsed: unknown, text: string): ApiError {
  const detail = (parsed as { detail?: unknown } | undefined)?.detail;
  const code = (parsed as { code?: unknown } | undefined)?.code;
  let message: string;
  if (typeof detail === 'string' && detail) message = detail;
  else if (Array.isArray(detail)) message = detail.map((item) => (item as { msg?: string }).msg ?? String(item)).join('; ');
  else if (status === 413) message = 'The upload is too large for the server.';
  else if (status >= 500) message = `The server failed (${status}). Try again in a moment.`;
  else message = text.slice(0, 200) || `Request failed (${status})`;
  return new ApiError(message, status, typeof code === 'string' ? code : undefined);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The message to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
