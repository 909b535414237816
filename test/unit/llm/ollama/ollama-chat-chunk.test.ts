import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { safeParseJson } from '../../../../src/server/llm/http/parse-json.ts';
import { OllamaChatChunk, ollamaTokenLine } from '../../../../src/server/llm/ollama/ollama-chat-chunk.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures');

/** What the schema (the source of truth) makes of a line. */
const bySchema = (line: string) => safeParseJson({ text: line, schema: OllamaChatChunk });

/** The fast path may only answer for a line what the schema answers for it. */
function expectAgreement(line: string): boolean {
  const fast = ollamaTokenLine(line);
  if (fast === undefined) return false;
  expect(bySchema(line), line).toStrictEqual({ success: true, value: fast });
  return true;
}

/** A token line as Ollama writes it (Go's encoder: fixed field order, `<>&` escaped as \u003c…). */
const tokenLine = (content: string, model = 'llama3.2', createdAt = '2023-08-04T08:52:19.385406455-07:00') =>
  `{"model":${goString(model)},"created_at":${goString(createdAt)},"message":{"role":"assistant","content":${goString(content)}},"done":false}`;
const goString = (text: string) =>
  JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ollamaTokenLine (the hand-checked fast path of OllamaChatChunk)', () => {
  it('takes the common token lines, with the value the schema gives', () => {
    for (const content of ['The', ' sky', '', ' naïve', ' 日本語', ' 🙂', " it's", ' a/b', ' \u007f', ' x\u00a0y'])
      expect(expectAgreement(tokenLine(content)), content).toBe(true);
    expect(expectAgreement(tokenLine(' a', 'qwen2.5:0.5b', '2026-12-01T16:00:00.1Z'))).toBe(true);
    // The fake Ollama of the tests and benches writes the same layout.
    expect(
      expectAgreement(
        `${JSON.stringify({ model: 'm', created_at: new Date().toISOString(), message: { role: 'assistant', content: 't1@1.5 ' }, done: false })}`,
      ),
    ).toBe(true);
  });

  it('leaves every other line to the schema: escapes, other fields or order, the final line, not JSON', () => {
    const others = [
      tokenLine('line\nbreak'),
      tokenLine('a "quote"'),
      tokenLine('back\\slash'),
      tokenLine('<b>'),
      tokenLine('tab\there'),
      tokenLine('x', 'odd"model'),
      tokenLine('x').replace('"done":false', '"done":true'),
      tokenLine('x').replace('"role":"assistant"', '"role":"user"'),
      tokenLine('x').replace('"},"done"', '","images":null},"done"'),
      tokenLine('x').replace('{"model"', '{ "model"'),
      `${tokenLine('x')} `,
      tokenLine('x').slice(0, -1),
      `${tokenLine('x')}}`,
      `{"created_at":"t","model":"m","message":{"role":"assistant","content":"x"},"done":false}`,
      `{"model":"m","created_at":"t","message":{"role":"assistant","content":"x"},"done":false,"error":"boom"}`,
      `{"model":"m","created_at":"t","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":3}`,
      `{"error":"model not found"}`,
      `{"model":"m","created_at":"t","message":{"role":"assistant","content":"raw\u0001control"},"done":false}`,
      'not json',
      '',
    ];
    for (const line of others) expect(ollamaTokenLine(line), line).toBeUndefined();
  });

  it('answers as the schema does for every line of the recorded stream it takes', () => {
    const lines = fs.readFileSync(path.join(fixtures, 'ollama/chat-basic.ndjson'), 'utf8').split('\n').filter(Boolean);
    const taken = lines.filter((line) => expectAgreement(line));
    // The first line has an extra field (images) and the last is the final one: the schema reads those.
    expect(taken.length).toBe(lines.length - 2);
  });

  it('never accepts a mutated line the schema would read differently (10,000 random edits)', () => {
    const next = random(15);
    const alphabet = ['"', '\\', ',', ':', '{', '}', ' ', 'a', 'n', '\n', '\u0000', 'é', 'u', '0', 'true', 'false', 'null', '[', ']'];
    let accepted = 0;
    for (let round = 0; round < 10_000; round += 1) {
      let line = tokenLine(['The', ' sky', ' is', ''][round % 4]!);
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits -= 1) {
        const at = Math.floor(next() * (line.length + 1));
        const piece = alphabet[Math.floor(next() * alphabet.length)]!;
        const kind = next();
        if (kind < 0.34) line = line.slice(0, at) + piece + line.slice(at);
        else if (kind < 0.67) line = line.slice(0, at) + line.slice(at + 1);
        else line = line.slice(0, at) + piece + line.slice(at + 1);
      }
      if (expectAgreement(line)) accepted += 1;
    }
    // Edits inside the strings keep the line a token line: the fast path did take some.
    expect(accepted).toBeGreaterThan(100);
  });
});
