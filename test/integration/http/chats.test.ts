import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_TOKENS } from '../../support/fake-ollama.ts';
import { connect, waitFor } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

function parseSse(text: string): any[] {
  return text
    .split('\n\n')
    .map((frame) => frame.trim())
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => JSON.parse(frame.slice(6)));
}

describe('REST: chats and messages', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());

  it('creates with the default title, renames, lists, deletes, and 404s', async () => {
    const { body: project } = await server.api('POST', '/api/projects', { name: 'Chats CRUD' });
    const created = await server.api('POST', '/api/chats', { project_id: project.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ project_id: project.id, title: 'New Chat', message_count: 0 });
    const renamed = await server.api('PUT', `/api/chats/${created.body.id}`, { title: '  Renamed  ' });
    expect(renamed.body.title).toBe('Renamed');
    expect((await server.api('PUT', `/api/chats/${created.body.id}`, { title: '' })).status).toBe(422);
    const list = await server.api('GET', `/api/projects/${project.id}/chats`);
    expect(list.body.map((chat: { id: number }) => chat.id)).toEqual([created.body.id]);
    expect((await server.api('POST', '/api/chats', { project_id: 987654 })).body).toEqual({
      detail: 'Project 987654 not found',
      code: 'not_found',
    });
    expect((await server.api('GET', '/api/projects/987654/chats')).status).toBe(404);

    expect((await server.api('DELETE', `/api/chats/${created.body.id}`)).status).toBe(204);
    expect((await server.api('GET', `/api/chats/${created.body.id}`)).status).toBe(404);
    expect((await server.api('GET', `/api/chats/${created.body.id}/messages`)).status).toBe(404);
    expect((await server.api('GET', `/api/projects/${project.id}/chats`)).body).toEqual([]);
  });

  it('answers as JSON with the saved ids, and as SSE in the original frames', async () => {
    const { chatId } = await createProjectAndChat(server);
    const json = await server.api('POST', `/api/chats/${chatId}/messages`, { message: 'json please', temperature: 0.1, max_history: 2 });
    expect(json.status).toBe(200);
    expect(json.body).toEqual({
      answer: FIXTURE_TOKENS.join(''),
      sources: [],
      model: 'llama3.2',
      message_id: expect.any(Number),
      user_message_id: expect.any(Number),
      status: 'complete',
    });
    expect(server.ollama.lastChat().body.options.temperature).toBe(0.1);

    const response = await fetch(`${server.url}/api/chats/${chatId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'stream please', stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const frames = parseSse(await response.text());
    expect(frames.map((frame) => frame.type).join(',')).toMatch(/^received,sources,(token,)+done,complete$/);
    const seqs = frames.filter((frame) => frame.type === 'token').map((frame) => frame.seq);
    expect(seqs).toEqual(seqs.map((_: number, index: number) => index + 1));
    expect(
      frames
        .filter((frame) => frame.type === 'token')
        .map((frame) => frame.data)
        .join(''),
    ).toBe(FIXTURE_TOKENS.join(''));
    expect(frames.at(-2).data).toMatchObject({ model: 'llama3.2', sources_count: 0, message_id: expect.any(Number) });

    const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body;
    expect(messages.map((message: { role: string; status: string }) => `${message.role}:${message.status}`)).toEqual([
      'user:complete',
      'assistant:complete',
      'user:complete',
      'assistant:complete',
    ]);
    const chat = await server.api('GET', `/api/chats/${chatId}`);
    expect(chat.body).toMatchObject({ id: chatId, title: 'json please', message_count: 4 });
    expect(chat.body.messages).toHaveLength(4);
  });

  it('reports errors before streaming: 404 chat, 422 body, 409 busy, and errors inside the stream', async () => {
    const { chatId } = await createProjectAndChat(server);
    expect((await server.api('POST', '/api/chats/999999/messages', { message: 'hi', stream: true })).status).toBe(404);
    expect((await server.api('POST', `/api/chats/${chatId}/messages`, { message: '' })).status).toBe(422);
    expect((await server.api('POST', `/api/chats/${chatId}/messages`, { message: 'x', temperature: 5 })).status).toBe(422);

    server.ollama.queue({ tokenCount: 100, tokenDelayMs: 10 });
    const running = server.api('POST', `/api/chats/${chatId}/messages`, { message: 'slow' });
    await until(() => server.generations.get(chatId)?.finished === false);
    const busy = await server.api('POST', `/api/chats/${chatId}/messages`, { message: 'again' });
    expect(busy.status).toBe(409);
    expect((await running).status).toBe(200);

    server.ollama.queue({ status: 500, errorMessage: 'boom' });
    const failed = await server.api('POST', `/api/chats/${chatId}/messages`, { message: 'fail' });
    expect(failed.status).toBe(502);
    expect(failed.body.detail).toContain('boom');
    server.ollama.queue({ tokenCount: 5, errorAfter: 2, errorMessage: 'mid-stream' });
    const response = await fetch(`${server.url}/api/chats/${chatId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'fail in stream', stream: true }),
    });
    const frames = parseSse(await response.text());
    expect(frames.at(-1)).toEqual({ type: 'error', data: 'Ollama error: mid-stream', code: 'llm_error' });
  });

  it('searches titles and message content, case-insensitively, with LIKE wildcards escaped', async () => {
    const { body: project } = await server.api('POST', '/api/projects', { name: 'Searchable' });
    const byTitle = await server.api('POST', '/api/chats', { project_id: project.id, title: 'Quarterly Budget' });
    const byContent = await server.api('POST', '/api/chats', { project_id: project.id });
    await server.api('POST', `/api/chats/${byContent.body.id}/messages`, { message: 'What does the BUDGET say about travel?' });
    await server.api('POST', '/api/chats', { project_id: project.id, title: 'Unrelated' });
    const found = await server.api('GET', `/api/projects/${project.id}/chats/search?q=budget`);
    expect(found.body.map((chat: { id: number }) => chat.id).sort()).toEqual([byTitle.body.id, byContent.body.id].sort());
    // Each result says where it matched: the message text around the match, or nothing for a title match.
    const snippets = new Map(found.body.map((chat: { id: number; snippet: string | null }) => [chat.id, chat.snippet]));
    expect(snippets.get(byTitle.body.id)).toBeNull();
    expect(snippets.get(byContent.body.id)).toMatch(/budget/i);
    expect((await server.api('GET', `/api/projects/${project.id}/chats/search?q=%25`)).body).toEqual([]);
    expect((await server.api('GET', `/api/projects/${project.id}/chats/search?q=`)).status).toBe(422);
  });

  it('exports Markdown and JSON with safe UTF-8 file names', async () => {
    const { body: project } = await server.api('POST', '/api/projects', { name: 'Export' });
    const chat = await server.api('POST', '/api/chats', { project_id: project.id, title: 'Résumé "quotes" / 日本' });
    await server.api('POST', `/api/chats/${chat.body.id}/messages`, { message: 'hello' });
    const markdown = await fetch(`${server.url}/api/chats/${chat.body.id}/export/markdown`);
    const disposition = markdown.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="chat_\d+_R_sum__quotes____.md"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe(`chat_${chat.body.id}_Résumé_quotes__日本.md`);
    const text = await markdown.text();
    expect(text).toContain('# Résumé "quotes" / 日本');
    expect(text).toContain('## 👤 User');
    expect(text).toContain('## 🤖 Assistant');
    expect(text).toContain(FIXTURE_TOKENS.join(''));

    const json = await fetch(`${server.url}/api/chats/${chat.body.id}/export/json`);
    expect(json.headers.get('content-type')).toMatch(/application\/json/);
    const body = await json.json();
    expect(body).toMatchObject({ chat_id: chat.body.id, project_id: project.id, message_count: 2 });
    expect(body.messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant']);
  });

  it('exports a chat whose title is cut inside an emoji (no split surrogate pair, no 500)', async () => {
    const { body: project } = await server.api('POST', '/api/projects', { name: 'Emoji export' });
    const chat = await server.api('POST', '/api/chats', { project_id: project.id, title: `a${'😀'.repeat(60)}` });
    for (const format of ['markdown', 'json']) {
      const response = await fetch(`${server.url}/api/chats/${chat.body.id}/export/${format}`);
      expect(response.status, format).toBe(200);
      const name = decodeURIComponent(response.headers.get('content-disposition')!.split("UTF-8''")[1]!);
      expect(name).toMatch(new RegExp(`^chat_${chat.body.id}_a(😀)+\\.(md|json)$`));
    }
  });

  it("sends message_added to the chat's room, and the project room a chat-list summary", async () => {
    const { projectId, chatId } = await createProjectAndChat(server);
    const socket = await connect(server.url);
    socket.emit('join_project', { project_id: projectId });
    await waitFor(socket, 'project_joined');
    socket.emit('join_chat', { chat_id: chatId });
    await waitFor(socket, 'chat_joined');
    const added = waitFor(socket, 'project_update', (update) => update.type === 'message_added' && update.data.role === 'assistant');
    const summary = waitFor(
      socket,
      'project_update',
      (update) => update.type === 'chats_updated' && (update.data.chats as Array<{ message_count: number }>)[0]?.message_count === 2,
    );
    await server.api('POST', `/api/chats/${chatId}/messages`, { message: 'hi' });
    expect((await added).data).toMatchObject({ project_id: projectId, chat_id: chatId, message_id: expect.any(Number) });
    expect((await summary).data).toMatchObject({ project_id: projectId, chats: [{ chat_id: chatId, title: 'hi', message_count: 2 }] });
    socket.disconnect();
  });
});

describe('REST: a client that hangs up on an answer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ GENERATION_GRACE_SECONDS: 0.2 });
  });
  afterAll(async () => server.close());

  // The POST body is read before the handler runs, so the request's own 'close' has already fired:
  // only the response notices the hang-up.
  it.each([true, false])(
    'stops listening, and the answer is interrupted after the grace period (stream: %s)',
    async (stream) => {
      const { chatId } = await createProjectAndChat(server);
      server.ollama.queue({ tokenCount: 400, tokenDelayMs: 25 });
      const before = server.ollama.chatRequests().length;
      const hangUp = new AbortController();
      const request = fetch(`${server.url}/api/chats/${chatId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'long answer please', stream }),
        signal: hangUp.signal,
      })
        .then(async (response) => {
          if (stream) await response.body!.getReader().read();
        })
        .catch(() => undefined);
      await until(() => (server.generations.get(chatId)?.listenerCount ?? 0) > 0 && server.ollama.chatRequests().length > before);
      if (stream) await request;
      const generation = server.generations.get(chatId)!;
      hangUp.abort();
      await generation.whenFinished();
      expect(generation.stopReason).toBe('interrupted');
      const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body;
      expect(messages.at(-1)).toMatchObject({ role: 'assistant', status: 'interrupted' });
      expect(server.ollama.lastChat().tokensSent).toBeLessThan(400);
    },
    20_000,
  );
});

describe('REST: a partial answer that cannot be saved', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());

  it('logs the failed flush and finishes the answer, with no unhandled rejection', async () => {
    const { chatId } = await createProjectAndChat(server);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const update = server.store.messages.update.bind(server.store.messages);
    let failedFlushes = 0;
    // The periodic partial-text flush (content without a status) fails, as on a full disk.
    server.store.messages.update = async (id, patch) => {
      if (patch.status === undefined && patch.content !== undefined) {
        failedFlushes += 1;
        throw new Error('SQLITE_FULL: database or disk is full');
      }
      return update(id, patch);
    };
    try {
      server.ollama.queue({ tokenCount: 30, tokenDelayMs: 60 });
      const answer = await server.api('POST', `/api/chats/${chatId}/messages`, { message: 'a slow answer' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(failedFlushes).toBeGreaterThan(0);
      expect(rejections).toEqual([]);
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe('complete');
      const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body;
      expect(messages.at(-1)).toMatchObject({ role: 'assistant', status: 'complete', content: answer.body.answer });
    } finally {
      server.store.messages.update = update;
      process.off('unhandledRejection', onRejection);
    }
  }, 15_000);
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
