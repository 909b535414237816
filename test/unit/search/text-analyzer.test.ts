import { describe, expect, it } from 'vitest';
import { retrievalQuery } from '../../../src/server/search/follow-up-query.ts';
import { fullTextExpression, searchTerms } from '../../../src/server/store/full-text-terms.ts';
import { analyzedText, analyzeDocument, analyzeQuery, contentWordCount, tokenize } from '../../../src/server/store/text-analyzer.ts';

describe('English analyzer', () => {
  it('folds case and diacritics, drops possessives, keeps letters and digits only', () => {
    expect(tokenize("The Café's COVID-19 résumé, p53’s role")).toEqual(['the', 'cafe', 'covid', '19', 'resume', 'p53', 'role']);
  });

  it('indexes Snowball (Porter2) stems without stop words', () => {
    // Porter2 where the original Porter differs: generously → generous (Porter: gener), dying → die (Porter: dy).
    // Lucene's list is short on purpose: 'were' stays, 'the' and 'of' go.
    expect(analyzeDocument('The generously dying cells of the mice were studied')).toEqual([
      'generous',
      'die',
      'cell',
      'mice',
      'were',
      'studi',
    ]);
    expect(analyzedText('Vaccination and organizations')).toBe('vaccin organ');
  });

  it('searches a question by its content words, each once, with question words dropped', () => {
    expect([...analyzeQuery('What does the vaccine do, and how do vaccines work?')]).toEqual([
      ['vaccin', 2],
      ['work', 1],
    ]);
    expect(searchTerms('What does the vaccine do, and how do vaccines work?')).toEqual(['vaccin', 'work']);
  });

  it('keeps stop words when nothing else is left, and gives nothing for punctuation', () => {
    expect(fullTextExpression('what is it')).toBe('"what" OR "is" OR "it"');
    expect(fullTextExpression('?!… --')).toBeUndefined();
  });

  it('quotes every term, so user text is never FTS5 syntax', () => {
    expect(fullTextExpression('What is the NEAR(x) "quoted" AND col:value*?')).toBe('"near" OR "x" OR "quot" OR "col" OR "valu"');
    expect(fullTextExpression('Wie heißt die Straße?')).toBe('"wie" OR "heißt" OR "die" OR "straße"');
  });

  it('bounds what one query can ask for', () => {
    const words = Array.from({ length: 500 }, (_, index) => `word${index}`).join(' ');
    expect(searchTerms(words)).toHaveLength(64);
  });
});

describe('follow-up questions', () => {
  it('counts content words, not function or question words', () => {
    expect(contentWordCount('And what about page 5?')).toBe(2);
    expect(contentWordCount('Is that true?')).toBe(1);
    expect(contentWordCount('Which vitamins lower homocysteine levels?')).toBe(4);
  });

  it('searches a short follow-up together with the previous question, a full question alone', () => {
    const previous = 'A deficiency of vitamin B12 increases blood levels of homocysteine.';
    expect(retrievalQuery('Why is that?', previous)).toBe(`${previous}\nWhy is that?`);
    expect(retrievalQuery('Does folate deficiency raise homocysteine levels?', previous)).toBe(
      'Does folate deficiency raise homocysteine levels?',
    );
    expect(retrievalQuery('Why is that?', undefined)).toBe('Why is that?');
    expect(retrievalQuery('Why is that?', '   ')).toBe('Why is that?');
  });
});
