import type { HandlerContext } from '../handler-context.ts';
import { inspectPayload } from '../payload-inspection.ts';

/** Largest `ping` payload echoed back in `pong.echo`; a larger one gets a `pong` without echo. */
const MAX_PING_ECHO_BYTES = 1024;

/** `ping`: answers `pong` with epoch milliseconds, echoing a small payload. */
export function ping(context: HandlerContext, payload: unknown): void {
  const echo = payload !== undefined && inspectPayload(payload, { maxBytes: MAX_PING_ECHO_BYTES }).ok ? payload : undefined;
  context.socket.emit('pong', { timestamp: Date.now(), ...(echo !== undefined ? { echo } : {}) });
}
