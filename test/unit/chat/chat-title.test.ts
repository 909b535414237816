import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAT_TITLE, titleFromMessage } from '../../../src/server/chat/chat-title.ts';

describe('titleFromMessage', () => {
  it('takes the first line, at most 50 characters', () => {
    expect(titleFromMessage('  What is RAG?\nmore')).toBe('What is RAG?');
    expect(titleFromMessage('   ')).toBe(DEFAULT_CHAT_TITLE);
    expect(titleFromMessage('x'.repeat(60))).toBe(`${'x'.repeat(47)}...`);
  });

  it('never cuts an emoji in half (a lone surrogate reached clients and the database)', () => {
    expect(titleFromMessage(`ab${'😀'.repeat(60)}`)).toBe(`ab${'😀'.repeat(45)}...`);
  });
});
