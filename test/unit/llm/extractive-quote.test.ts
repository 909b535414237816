import { describe, expect, it } from 'vitest';
import { composeExtractiveAnswer, quoteAsText } from '../../../src/server/llm/extractive/extractive-chat-model.ts';
import type { Source } from '../../../src/protocol/source.ts';

const source = (content: string): Source => ({
  id: '1',
  content,
  score: 0.9,
  metadata: { document_id: 1, filename: 'handbook.md', chunk_index: 0, start_char: 0, end_char: content.length },
});

describe('extractive answers quote passages as text', () => {
  it('escapes a Markdown heading at the start of a quoted passage', () => {
    const answer = composeExtractiveAnswer('Where do employees park?', [
      source('# Parking Employees park in the north lot behind building B.'),
    ]);
    expect(answer).toContain('- \\# Parking Employees park in the north lot');
    expect(answer).not.toMatch(/^- # /m);
  });

  it('escapes other block markers and leaves ordinary text alone', () => {
    expect(quoteAsText('> a quote')).toBe('\\> a quote');
    expect(quoteAsText('1. first')).toBe('1\\. first');
    expect(quoteAsText('| a | b |')).toBe('\\| a | b |');
    expect(quoteAsText('#hashtag stays')).toBe('#hashtag stays');
    expect(quoteAsText('Employees park in the north lot.')).toBe('Employees park in the north lot.');
  });
});
