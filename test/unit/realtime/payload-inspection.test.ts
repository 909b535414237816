import { describe, expect, it } from 'vitest';
import { inspectPayload } from '../../../src/server/realtime/payload-inspection.ts';

describe('inspectPayload', () => {
  it('measures plain JSON and accepts it within the limits', () => {
    const result = inspectPayload({ chat_id: 1, message: 'hello', list: [1, 'two', null, true] });
    expect(result.ok).toBe(true);
    expect(inspectPayload(undefined)).toEqual({ ok: true, bytes: 0 });
  });

  it('refuses nesting past the depth limit without overflowing the stack, even 100,000 deep', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(inspectPayload(deep)).toEqual({ ok: false, problem: 'nested deeper than 32 levels' });
    let object: unknown = 1;
    for (let index = 0; index < 33; index += 1) object = { a: object };
    expect(inspectPayload(object).ok).toBe(false);
    let fine: unknown = 1;
    for (let index = 0; index < 32; index += 1) fine = { a: fine };
    expect(inspectPayload(fine).ok).toBe(true);
  });

  it('refuses payloads past the size limit, also when made of many small parts', () => {
    expect(inspectPayload('x'.repeat(300 * 1024))).toEqual({ ok: false, problem: 'larger than 256 KiB' });
    expect(inspectPayload(Array.from({ length: 20_000 }, () => ({ key: 'value value' }))).ok).toBe(false);
    expect(inspectPayload({ text: 'x'.repeat(2_000) }, { maxBytes: 1_024 }).ok).toBe(false);
  });

  it('refuses binary data, functions and class instances with a short sentence', () => {
    for (const binary of [Buffer.from('x'), new ArrayBuffer(4), new Uint8Array(2), { nested: [Buffer.alloc(1)] }]) {
      expect(inspectPayload(binary)).toEqual({ ok: false, problem: 'expected an object, not binary data' });
    }
    expect(inspectPayload(() => {})).toEqual({ ok: false, problem: 'unsupported function value' });
    expect(inspectPayload(new Date())).toEqual({ ok: false, problem: 'expected plain JSON' });
  });
});
