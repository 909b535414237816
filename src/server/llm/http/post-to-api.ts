import type { ResponseHandler, UpstreamCall } from './upstream-call.ts';
import { type UpstreamTimeout, UpstreamDeadline } from './upstream-deadline.ts';
import { mapUpstreamError } from './upstream-errors.ts';

export interface ApiCallOptions<T> {
  url: string;
  /** Who answers, for messages (`Ollama`, `The model server`). */
  label: string;
  /** The configured base URL, named when it cannot be reached. */
  host: string;
  headers?: Record<string, string>;
  abortSignal?: AbortSignal;
  timeout: UpstreamTimeout;
  failedResponseHandler: ResponseHandler<Error>;
  successfulResponseHandler: ResponseHandler<T>;
  fetch?: typeof fetch;
}

/**
 * The one way this server calls a model server (after AI SDK `postJsonToApi`): a deadline, the
 * caller's abort signal, one error mapping (refused connection, HTTP status with the upstream's text,
 * timeout; an abort passes through untouched), then a response handler for the body.
 */
export function postJsonToApi<T>(options: ApiCallOptions<T> & { body: unknown }): Promise<T> {
  return callApi({
    ...options,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(options.body),
  });
}

export function getFromApi<T>(options: ApiCallOptions<T>): Promise<T> {
  return callApi({ ...options, method: 'GET' });
}

export function deleteJsonFromApi<T>(options: ApiCallOptions<T> & { body: unknown }): Promise<T> {
  return callApi({
    ...options,
    method: 'DELETE',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(options.body),
  });
}

async function callApi<T>(options: ApiCallOptions<T> & { method: string; body?: string }): Promise<T> {
  const call: UpstreamCall = {
    url: options.url,
    label: options.label,
    host: options.host,
    deadline: new UpstreamDeadline(options.abortSignal, options.timeout, options.label),
    streaming: false,
  };
  try {
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(options.url, {
        method: options.method,
        headers: options.headers,
        body: options.body,
        signal: call.deadline.signal,
      });
    } catch (error) {
      throw mapUpstreamError(error, call, 'connect');
    }
    if (!response.ok) throw await options.failedResponseHandler({ response, call });
    return await options.successfulResponseHandler({ response, call });
  } catch (error) {
    call.streaming = false;
    throw mapUpstreamError(error, call, 'stream');
  } finally {
    if (!call.streaming) call.deadline.dispose();
  }
}
