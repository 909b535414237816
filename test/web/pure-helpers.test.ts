import { describe, expect, it } from 'vitest';
import type { MessageResponse } from '../../src/protocol/rest.ts';
import type { LiveAnswer } from '../../src/web/hooks/use-chat-stream.ts';
import { citationNumber, remarkCitations } from '../../src/web/lib/citations.ts';
import { formatBytes, formatRelativeTime } from '../../src/web/lib/format.ts';
import { matchRoute } from '../../src/web/lib/router.tsx';
import { perFileProgress } from '../../src/web/lib/upload.ts';
import { visibleMessages } from '../../src/web/lib/visible-messages.ts';

describe('remarkCitations', () => {
  const run = (children: unknown[], sourceCount = 3) => {
    const tree = { type: 'root', children: [{ type: 'paragraph', children }] };
    remarkCitations({ sourceCount })(tree as never);
    return (tree.children[0] as { children: unknown[] }).children;
  };

  it('turns [n] within the source count into links to #source-n, keeping the text around them', () => {
    expect(run([{ type: 'text', value: 'Blue [1], green [2][3].' }])).toEqual([
      { type: 'text', value: 'Blue ' },
      { type: 'link', url: '#source-1', children: [{ type: 'text', value: '1' }] },
      { type: 'text', value: ', green ' },
      { type: 'link', url: '#source-2', children: [{ type: 'text', value: '2' }] },
      { type: 'link', url: '#source-3', children: [{ type: 'text', value: '3' }] },
      { type: 'text', value: '.' },
    ]);
  });

  it('splits a grouped [1, 3] into one link per source; a group with an unknown number stays text', () => {
    expect(run([{ type: 'text', value: 'Both [1, 3].' }])).toEqual([
      { type: 'text', value: 'Both ' },
      { type: 'link', url: '#source-1', children: [{ type: 'text', value: '1' }] },
      { type: 'link', url: '#source-3', children: [{ type: 'text', value: '3' }] },
      { type: 'text', value: '.' },
    ]);
    expect(run([{ type: 'text', value: 'Not [2, 9].' }])).toEqual([{ type: 'text', value: 'Not [2, 9].' }]);
  });

  it('leaves numbers the answer has no source for, and code, alone', () => {
    expect(run([{ type: 'text', value: 'See [4] and [0].' }])).toEqual([{ type: 'text', value: 'See [4] and [0].' }]);
    const code = { type: 'inlineCode', value: 'array[1]' };
    expect(run([code])).toEqual([code]);
    expect(run([{ type: 'text', value: 'x [1]' }], 0)).toEqual([{ type: 'text', value: 'x [1]' }]);
  });

  it('reads the source number back from a citation href only', () => {
    expect(citationNumber('#source-2')).toBe(2);
    expect(citationNumber('https://example.com/#source-2')).toBeNull();
    expect(citationNumber('#source-x')).toBeNull();
    expect(citationNumber(undefined)).toBeNull();
  });
});

describe('visibleMessages', () => {
  const saved = (
    id: number,
    role: 'user' | 'assistant',
    content: string,
    status: MessageResponse['status'] = 'complete',
  ): MessageResponse => ({
    id,
    chat_id: 1,
    role,
    content,
    sources: [],
    model_name: null,
    status,
    error: null,
    parent_id: null,
    active: true,
    created_at: '2026-11-26T10:00:00.000Z',
    updated_at: '2026-11-26T10:00:00.000Z',
  });
  const live = (change: Partial<LiveAnswer>): LiveAnswer => ({
    chatId: 1,
    question: null,
    userMessageId: null,
    messageId: null,
    content: '',
    sources: [],
    phase: 'waiting',
    finish: null,
    model: null,
    error: null,
    undelivered: false,
    ...change,
  });

  it('shows the question and a typing answer before the server has saved anything', () => {
    const messages = visibleMessages([], live({ question: 'Hi?', phase: 'sending' }));
    expect(messages.map((message) => [message.role, message.content, message.status])).toEqual([
      ['user', 'Hi?', 'sending'],
      ['assistant', '', 'typing'],
    ]);
  });

  it('shows each message once when the history already holds the question and the streaming row', () => {
    const history = [saved(10, 'user', 'Hi?'), saved(11, 'assistant', 'Hel', 'streaming')];
    const messages = visibleMessages(
      history,
      live({ question: 'Hi?', userMessageId: 10, messageId: 11, content: 'Hello th', phase: 'streaming' }),
    );
    expect(messages.map((message) => [message.id, message.content, message.status])).toEqual([
      [10, 'Hi?', 'complete'],
      [11, 'Hello th', 'streaming'],
    ]);
  });

  it('lets the saved final row win once the history has it', () => {
    const history = [saved(10, 'user', 'Hi?'), saved(11, 'assistant', 'Hello there', 'stopped')];
    const messages = visibleMessages(
      history,
      live({ userMessageId: 10, messageId: 11, content: 'Hello there', phase: 'finished', finish: 'stopped' }),
    );
    expect(messages.map((message) => [message.id, message.status])).toEqual([
      [10, 'complete'],
      [11, 'stopped'],
    ]);
  });

  it('after a drop before the server confirmed the question, trusts the history: once if it arrived, flagged if not', () => {
    const lost = live({ question: 'Lost?', phase: 'failed', undelivered: true });
    expect(visibleMessages([saved(10, 'user', 'Lost?')], lost).map((message) => [message.id, message.status])).toEqual([[10, 'complete']]);
    expect(visibleMessages([saved(9, 'user', 'Earlier')], lost).map((message) => [message.content, message.status])).toEqual([
      ['Earlier', 'complete'],
      ['Lost?', 'undelivered'],
    ]);
  });

  it('keeps a failure visible under the question', () => {
    const messages = visibleMessages(
      [saved(10, 'user', 'Hi?')],
      live({ userMessageId: 10, phase: 'failed', error: 'Ollama is not running' }),
    );
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', status: 'failed', error: 'Ollama is not running' });
  });
});

describe('perFileProgress', () => {
  it('splits the bytes sent over the files in their multipart order', () => {
    expect(perFileProgress([100, 300], { loaded: 0, total: 400 })).toEqual([0, 0]);
    expect(perFileProgress([100, 300], { loaded: 100, total: 400 })).toEqual([1, 0]);
    expect(perFileProgress([100, 300], { loaded: 250, total: 400 })).toEqual([1, 0.5]);
    expect(perFileProgress([100, 300], { loaded: 400, total: 400 })).toEqual([1, 1]);
  });

  it('spreads the multipart overhead so a file reaches 100% only when its part is sent', () => {
    const [first, second] = perFileProgress([100, 100], { loaded: 110, total: 240 });
    expect(first).toBeLessThan(1);
    expect(second).toBe(0);
  });
});

describe('routes and formats', () => {
  it('matches the four pages and nothing else', () => {
    expect(matchRoute('/')).toEqual({ name: 'projects' });
    expect(matchRoute('/projects/12/')).toEqual({ name: 'project', projectId: 12 });
    expect(matchRoute('/chats/7')).toEqual({ name: 'chat', chatId: 7 });
    expect(matchRoute('/settings')).toEqual({ name: 'settings' });
    expect(matchRoute('/projects/0')).toEqual({ name: 'not-found', path: '/projects/0' });
    expect(matchRoute('/chats/abc')).toEqual({ name: 'not-found', path: '/chats/abc' });
  });

  it('formats sizes and times for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
    const now = Date.parse('2026-11-26T12:00:00.000Z');
    expect(formatRelativeTime('2026-11-26T11:59:50.000Z', now)).toBe('just now');
    expect(formatRelativeTime('2026-11-26T11:30:00.000Z', now)).toBe('30 min ago');
    expect(formatRelativeTime('2026-11-26T09:00:00', now)).toBe('3 h ago');
  });
});

describe('answer versions in the shown chat', () => {
  const row = (id: number, role: 'user' | 'assistant', content: string, parent: number | null, active = true): MessageResponse => ({
    id,
    chat_id: 1,
    role,
    content,
    sources: [],
    model_name: null,
    status: 'complete',
    error: null,
    parent_id: parent,
    active,
    created_at: '2026-11-26T10:00:00.000Z',
    updated_at: '2026-11-26T10:00:00.000Z',
  });

  it('shows each question with its active version, in turn order, with "n / m"', () => {
    // Q1, A1 (v1, older row without parent), Q2, A2, then A1 regenerated (id 5): shown in turn 1.
    const history = [
      row(1, 'user', 'Q1', null),
      row(2, 'assistant', 'A1', 1, false),
      row(3, 'user', 'Q2', null),
      row(4, 'assistant', 'A2', 3),
      row(5, 'assistant', 'A1 again', 1),
    ];
    const shown = visibleMessages(history, null);
    expect(shown.map((message) => message.content)).toEqual(['Q1', 'A1 again', 'Q2', 'A2']);
    expect(shown[1]!.versions).toEqual({ ids: [2, 5], index: 1 });
    expect(shown[1]!.questionId).toBe(1);
    expect(shown[3]!.versions).toBeUndefined();
  });

  it('puts a regenerated answer being written in its turn, as the last version', () => {
    const history = [row(1, 'user', 'Q1', null), row(2, 'assistant', 'A1', 1), row(3, 'user', 'Q2', null), row(4, 'assistant', 'A2', 3)];
    const live: LiveAnswer = {
      chatId: 1,
      question: null,
      userMessageId: 1,
      messageId: 9,
      content: 'new',
      sources: [],
      phase: 'streaming',
      finish: null,
      model: null,
      error: null,
      undelivered: false,
      regenerating: true,
    };
    const shown = visibleMessages(history, live);
    expect(shown.map((message) => message.content)).toEqual(['Q1', 'new', 'Q2', 'A2']);
    expect(shown[1]!.versions).toEqual({ ids: [2, 9], index: 1 });
    expect(shown[1]!.status).toBe('streaming');
  });
});

describe('a failed or interrupted answer as the user saw it', () => {
  const row = (id: number, role: 'user' | 'assistant', content: string, status: MessageResponse['status']): MessageResponse => ({
    id,
    chat_id: 1,
    role,
    content,
    sources: [],
    model_name: null,
    status,
    error: status === 'failed' ? 'model crashed' : null,
    parent_id: role === 'assistant' ? 1 : null,
    active: true,
    created_at: '2026-11-26T10:00:00.000Z',
    updated_at: '2026-11-26T10:00:00.000Z',
  });
  const settled = (change: Partial<LiveAnswer>): LiveAnswer => ({
    chatId: 1,
    question: 'Q',
    userMessageId: 1,
    messageId: null,
    content: '',
    sources: [],
    phase: 'failed',
    finish: 'failed',
    model: null,
    error: 'model crashed',
    undelivered: false,
    ...change,
  });

  it('shows a failed answer once when the error names its saved row', () => {
    const history = [row(1, 'user', 'Q', 'complete'), row(2, 'assistant', '', 'failed')];
    const shown = visibleMessages(history, settled({ messageId: 2 }));
    expect(shown.filter((message) => message.role === 'assistant')).toHaveLength(1);
  });

  it('keeps the tokens already on screen when the saved checkpoint is older', () => {
    const history = [row(1, 'user', 'Q', 'complete'), row(2, 'assistant', 'one two', 'interrupted')];
    const shown = visibleMessages(
      history,
      settled({ messageId: 2, content: 'one two three four', phase: 'finished', finish: 'interrupted', error: null }),
    );
    expect(shown[1]!.content).toBe('one two three four');
    expect(shown[1]!.status).toBe('interrupted');
  });
});
