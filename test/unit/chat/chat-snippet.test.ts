import { describe, expect, it } from 'vitest';
import { chatSearchSnippet } from '../../../src/server/chat/chat-snippet.ts';

describe('chatSearchSnippet', () => {
  it('is null when only the title matched', () => {
    expect(chatSearchSnippet(null)).toBeNull();
  });

  it('keeps a whole short message on one line', () => {
    expect(chatSearchSnippet({ text: 'Where are\n\nthe   invoices?', cutBefore: false, cutAfter: false })).toBe('Where are the invoices?');
  });

  it('cuts a window at whole words and marks where the message goes on', () => {
    expect(chatSearchSnippet({ text: 'ha of the contract says needle term ends in thirty da', cutBefore: true, cutAfter: true })).toBe(
      '…of the contract says needle term ends in thirty…',
    );
  });
});
