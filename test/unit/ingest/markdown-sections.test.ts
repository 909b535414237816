import { describe, expect, it } from 'vitest';
import { markdownSections } from '../../../src/server/ingest/parsers/text.ts';

describe('markdownSections', () => {
  it('cuts before each heading and names it, ignoring # inside code fences', () => {
    const markdown = [
      'Preamble text.',
      '',
      '# Install **now**',
      '',
      'Run the script.',
      '',
      '```sh',
      '# this is a shell comment',
      '```',
      '',
      'Usage',
      '=====',
      '',
      'Call it.',
      '',
      '## [Links](http://example.com) ##',
      'See above.',
    ].join('\n');
    expect(markdownSections(markdown)).toEqual([
      { text: 'Preamble text.', kind: 'prose' },
      { text: '# Install **now**\n\nRun the script.\n\n```sh\n# this is a shell comment\n```', heading: 'Install now', kind: 'prose' },
      { text: 'Usage\n=====\n\nCall it.', heading: 'Usage', kind: 'prose' },
      // A level-2 heading under the setext level-1 "Usage" (which replaced "Install now"): its path.
      { text: '## [Links](http://example.com) ##\nSee above.', heading: 'Usage › Links', kind: 'prose' },
    ]);
  });
});
