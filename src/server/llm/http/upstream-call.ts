import type { UpstreamDeadline } from './upstream-deadline.ts';

/** One request to a model server, as the response handlers see it. */
export interface UpstreamCall {
  url: string;
  /** Who answers, for messages: `Ollama`, `The model server`, `The embedding server`. */
  label: string;
  /** The configured base URL, named in "cannot reach" messages. */
  host: string;
  deadline: UpstreamDeadline;
  /**
   * Set by a handler that returns a stream: the deadline then lives until the stream ends, and the
   * stream disposes of it. Otherwise the call disposes of it as soon as the handler returns.
   */
  streaming: boolean;
}

/** Turns a response into a value (or, for a failed response, into the error to throw). */
export type ResponseHandler<T> = (options: { response: Response; call: UpstreamCall }) => Promise<T>;
