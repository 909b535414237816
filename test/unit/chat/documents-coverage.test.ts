import { describe, expect, it } from 'vitest';
import type { Source } from '../../../src/protocol/source.ts';
import { documentsCover, VECTOR_RELEVANCE_FLOOR } from '../../../src/server/chat/documents-coverage.ts';

const source = (score: number): Source => ({
  id: `c${score}`,
  content: 'text',
  score,
  metadata: { document_id: 1, filename: 'a.md', chunk_index: 0, start_char: 0, end_char: 4 },
});

describe('documentsCover: is anything relevant enough for documents_only to answer', () => {
  it('a full-text match always counts (alone or fused with vectors), however it scored', () => {
    expect(documentsCover({ sources: [source(0.01)], mode: 'full_text' })).toBe(true);
    expect(documentsCover({ sources: [source(0.2)], mode: 'hybrid' })).toBe(true);
  });

  it('vectors alone count from the floor up', () => {
    expect(documentsCover({ sources: [source(VECTOR_RELEVANCE_FLOOR - 0.01), source(0.1)], mode: 'vector' })).toBe(false);
    expect(documentsCover({ sources: [source(0.1), source(VECTOR_RELEVANCE_FLOOR)], mode: 'vector' })).toBe(true);
    expect(documentsCover({ sources: [source(0.7)], mode: 'vector' }, 0.8)).toBe(false);
  });

  it('no passage (nothing matched, or all below min_score) never counts', () => {
    expect(documentsCover({ sources: [], mode: 'full_text' })).toBe(false);
    expect(documentsCover({ sources: [], mode: 'none' })).toBe(false);
  });
});
