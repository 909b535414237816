import { z } from 'zod';
import { CliError } from '../cli-error.ts';

/** A non-2xx answer of the server; `detail` is its one-sentence `{detail}`. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly body: unknown,
  ) {
    super(detail);
    this.name = 'RestError';
  }
}

const ErrorBody = z.object({ detail: z.string() }).passthrough();

/**
 * Calls the server's REST API with the API token, if any. A server that cannot be reached or refuses
 * the token becomes one clear CliError; other error statuses become RestError for the caller to map.
 */
export class RestClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  get authHeaders(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  /** Sends the request and returns the response once its status is 2xx. */
  async send(method: string, path: string, init: { json?: unknown; body?: FormData } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.authHeaders, accept: 'application/json' };
    let body: string | FormData | undefined = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), { method, headers, body });
    } catch (error) {
      throw unreachable(this.baseUrl, error);
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const detail = ErrorBody.safeParse(parsed).data?.detail ?? `The server answered ${response.status} ${response.statusText}`;
    if (response.status === 401) {
      throw new CliError(`The server at ${this.baseUrl} needs an API token: set DAA_TOKEN (or API_TOKEN) to the server's API_TOKEN`);
    }
    throw new RestError(response.status, detail, parsed);
  }

  /** Sends the request and parses the JSON answer with `schema` (lenient: extra fields are fine). */
  async json<Schema extends z.ZodType>(
    schema: Schema,
    method: string,
    path: string,
    init: { json?: unknown; body?: FormData } = {},
  ): Promise<z.infer<Schema>> {
    const response = await this.send(method, path, init);
    const result = schema.safeParse(await response.json().catch(() => undefined));
    if (!result.success)
      throw new CliError(`The server at ${this.baseUrl} sent an answer this daa does not understand (${method} ${path})`);
    return result.data;
  }
}

/** "Cannot reach the server at URL (connection refused)". */
export function unreachable(baseUrl: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'unknown host',
    EHOSTUNREACH: 'host unreachable',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'timed out',
  };
  const reason = (cause?.code && reasons[cause.code]) || cause?.code || cause?.message || (error as Error).message;
  return new CliError(`Cannot reach the server at ${baseUrl} (${reason})`, undefined, { cause: error });
}
