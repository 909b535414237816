/** Deepest nesting a client payload may have (arrays and objects). */
export const MAX_PAYLOAD_DEPTH = 32;
/** Largest client payload, measured as (about) its JSON size; the same as the transport's message cap. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export type PayloadInspection = { ok: true; bytes: number } | { ok: false; problem: string };

/**
 * Measures a decoded Socket.IO payload without recursion (an explicit stack), so a payload nested
 * thousands deep cannot overflow the call stack the way `JSON.stringify` does. Refuses binary
 * attachments, functions and anything that is not plain JSON, deeper than `maxDepth`, or larger
 * than `maxBytes`. The walk stops as soon as a limit is passed, so its cost is bounded too.
 */
export function inspectPayload(value: unknown, limits: { maxDepth?: number; maxBytes?: number } = {}): PayloadInspection {
  const maxDepth = limits.maxDepth ?? MAX_PAYLOAD_DEPTH;
  const maxBytes = limits.maxBytes ?? MAX_PAYLOAD_BYTES;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let bytes = 0;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current === 'boolean') bytes += 5;
    else if (current === undefined) bytes += 0;
    else if (typeof current === 'number') bytes += 24;
    else if (typeof current === 'string') bytes += current.length + 2;
    else if (isBinary(current)) return { ok: false, problem: 'expected an object, not binary data' };
    else if (typeof current !== 'object') return { ok: false, problem: `unsupported ${typeof current} value` };
    else {
      if (depth >= maxDepth) return { ok: false, problem: `nested deeper than ${maxDepth} levels` };
      if (Array.isArray(current)) {
        bytes += 2 + current.length;
        for (const item of current) stack.push({ value: item, depth: depth + 1 });
      } else {
        const prototype = Object.getPrototypeOf(current);
        if (prototype !== Object.prototype && prototype !== null) return { ok: false, problem: 'expected plain JSON' };
        bytes += 2;
        for (const key of Object.keys(current)) {
          bytes += key.length + 4;
          stack.push({ value: (current as Record<string, unknown>)[key], depth: depth + 1 });
        }
      }
    }
    if (bytes > maxBytes) return { ok: false, problem: `larger than ${Math.round(maxBytes / 1024)} KiB` };
  }
  return { ok: true, bytes };
}

/** Buffers, ArrayBuffers and typed arrays: what socket.io-parser rebuilds from binary attachments. */
export function isBinary(value: unknown): boolean {
  return (
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) ||
    ArrayBuffer.isView(value)
  );
}
