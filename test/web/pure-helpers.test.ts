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
    feedback: null,
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
    feedback: null,
    created_at: '2026-11-26T10:00:00.000Z',
    updated_at: '2026-11-26T10:00:00.000Z',
  });

  it('shows the active path with "n / m" on answers (versions) and questions (branches)', () => {
    // Q1, A1 (v1), Q2 asked after A1, A2, then A1 regenerated (id 5): a new branch, without Q2.
    const history = [
      row(1, 'user', 'Q1', null),
      row(2, 'assistant', 'A1', 1, false),
      row(3, 'user', 'Q2', 2),
      row(4, 'assistant', 'A2', 3),
      row(5, 'assistant', 'A1 again', 1),
    ];
    const shown = visibleMessages(history, null);
    expect(shown.map((message) => message.content)).toEqual(['Q1', 'A1 again']);
    expect(shown[1]!.versions).toEqual({ ids: [2, 5], index: 1 });
    expect(shown[1]!.questionId).toBe(1);
    // Back to version 1: the turns that followed it are shown again.
    const back = history.map((message) =>
      message.id === 2 ? { ...message, active: true } : message.id === 5 ? { ...message, active: false } : message,
    );
    expect(visibleMessages(back, null).map((message) => message.content)).toEqual(['Q1', 'A1', 'Q2', 'A2']);

    // Q2 edited (id 6, a sibling under A1): "2 / 2" on the question, and its own answer.
    const edited = [
      ...back.map((message) => (message.id === 3 ? { ...message, active: false } : message)),
      row(6, 'user', 'Q2 edited', 2),
      row(7, 'assistant', 'A2 edited', 6),
    ];
    const branch = visibleMessages(edited, null);
    expect(branch.map((message) => message.content)).toEqual(['Q1', 'A1', 'Q2 edited', 'A2 edited']);
    expect(branch[2]!.versions).toEqual({ ids: [3, 6], index: 1 });
    expect(branch[3]!.versions).toBeUndefined();
  });

  it('older rows without parents read as a linear chat', () => {
    const history = [row(1, 'user', 'Q1', null), row(2, 'assistant', 'A1', null), row(3, 'user', 'Q2', 2), row(4, 'assistant', 'A2', null)];
    expect(visibleMessages(history, null).map((message) => message.content)).toEqual(['Q1', 'A1', 'Q2', 'A2']);
  });

  const liveAnswer = (change: Partial<LiveAnswer>): LiveAnswer => ({
    chatId: 1,
    question: null,
    userMessageId: null,
    messageId: null,
    content: '',
    sources: [],
    phase: 'streaming',
    finish: null,
    model: null,
    error: null,
    undelivered: false,
    ...change,
  });

  it('puts a regenerated answer being written in its turn, as the last version, without the turns after it', () => {
    const history = [row(1, 'user', 'Q1', null), row(2, 'assistant', 'A1', 1), row(3, 'user', 'Q2', 2), row(4, 'assistant', 'A2', 3)];
    const shown = visibleMessages(history, liveAnswer({ userMessageId: 1, messageId: 9, content: 'new', regenerating: true }));
    expect(shown.map((message) => message.content)).toEqual(['Q1', 'new']);
    expect(shown[1]!.versions).toEqual({ ids: [2, 9], index: 1 });
    expect(shown[1]!.status).toBe('streaming');
  });

  it('shows an edited question in its original place as the last branch, with its answer being written', () => {
    const history = [row(1, 'user', 'Q1', null), row(2, 'assistant', 'A1', 1), row(3, 'user', 'Q2', 2), row(4, 'assistant', 'A2', 3)];
    const shown = visibleMessages(
      history,
      liveAnswer({ question: 'Q2 better', editOf: 3, userMessageId: 8, content: 'ans', messageId: 9 }),
    );
    expect(shown.map((message) => [message.role, message.content])).toEqual([
      ['user', 'Q1'],
      ['assistant', 'A1'],
      ['user', 'Q2 better'],
      ['assistant', 'ans'],
    ]);
    expect(shown[2]!.versions).toEqual({ ids: [3, 8], index: 1 });
  });

  it('continues a saved answer in place: its text stays on screen until the first token, then grows', () => {
    const history = [
      row(1, 'user', 'Q1', null),
      { ...row(2, 'assistant', 'Half an', 1), status: 'stopped' as const },
      row(3, 'user', 'Q2', 2),
    ];
    const waiting = visibleMessages(history, liveAnswer({ phase: 'sending', messageId: 2, userMessageId: 1, continuing: true }));
    expect(waiting.map((message) => [message.content, message.status])).toEqual([
      ['Q1', 'complete'],
      ['Half an', 'streaming'],
      ['Q2', 'complete'],
    ]);
    const growing = visibleMessages(history, liveAnswer({ messageId: 2, userMessageId: 1, continuing: true, content: 'Half an answer' }));
    expect(growing[1]!.content).toBe('Half an answer');
    expect(growing).toHaveLength(3);
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
    feedback: null,
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
