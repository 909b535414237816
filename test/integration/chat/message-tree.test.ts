import { afterEach, describe, expect, it } from 'vitest';
import { joinProject, DocumentStatusLog, isFinal, uploadDocument } from '../../support/documents.ts';
import { exportArchive, importArchive } from '../../support/project-archives.ts';
import { ask, connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

type Answer = { events: Array<[string, any]>; text: string; complete?: any; error?: any };

/** Emits one answer-starting event and collects that chat's events until `message_complete` or `error`. */
function answerOf(socket: ClientSocket, event: 'edit_message' | 'continue_message' | 'regenerate_message', payload: any): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const events: Array<[string, any]> = [];
    const timer = setTimeout(() => reject(new Error(`no answer to ${event}: ${JSON.stringify(events.slice(-3))}`)), 10_000);
    const listener = (name: string, data: any) => {
      if (data?.chat_id !== payload.chat_id) return;
      events.push([name, data]);
      if (name === 'message_complete' || name === 'error') {
        clearTimeout(timer);
        socket.offAny(listener);
        const text = events
          .filter(([kind]) => kind === 'message_token')
          .map(([, token]) => token.token)
          .join('');
        resolve({ events, text, complete: name === 'message_complete' ? data : undefined, error: name === 'error' ? data : undefined });
      }
    };
    socket.onAny(listener);
    (socket.emit as (name: string, data: unknown) => void)(event, payload);
  });
}

/** Resolves once a socket has received `count` tokens (rejects on an `error`, or after 15 s). */
function tokensSeen(socket: ClientSocket, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => done(new Error(`fewer than ${count} tokens within 15 s`)), 15_000);
    const onToken = () => {
      seen += 1;
      if (seen >= count) done();
    };
    const onError = (event: any) => done(new Error(`error instead of tokens: ${JSON.stringify(event)}`));
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.off('message_token', onToken);
      socket.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    socket.on('message_token', onToken);
    socket.on('error', onError);
  });
}

const received = (answer: Answer) => answer.events.find(([name]) => name === 'message_received')![1].user_message_id as number;
const messagesOf = async (server: TestServer, chatId: number) => (await server.api('GET', `/api/chats/${chatId}/messages`)).body as any[];
/** What the model was sent last, without the system message. */
const sentToModel = (server: TestServer) =>
  (server.ollama.lastChat().body.messages as Array<{ role: string; content: string }>)
    .filter((message) => message.role !== 'system')
    // The current question sits in the sources prompt ("Question: …"); earlier ones are sent as asked.
    .map((message) => [
      message.role,
      message.content.includes('Question: ') ? message.content.split('Question: ')[1]!.split('\n')[0] : message.content,
    ]);

describe('the message tree: edit a question into a branch, continue, retry, feedback', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('edits a question into a new branch; the old one stays reachable; history follows the branch shown', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    const socket = await connect(server.url);
    server.ollama.queue({ tokens: ['one'] });
    const first = await ask(socket, { chat_id: chatId, message: 'First question' });
    server.ollama.queue({ tokens: ['two'] });
    const second = await ask(socket, { chat_id: chatId, message: 'Second question' });
    const q1 = received(first);
    const q2 = received(second);

    // The linear case keeps the seed's events, and the tree says where each message hangs.
    let rows = await messagesOf(server, chatId);
    expect(rows.map((row) => [row.id, row.parent_id, row.active])).toEqual([
      [q1, null, true],
      [first.complete.message_id, q1, true],
      [q2, first.complete.message_id, true],
      [second.complete.message_id, q2, true],
    ]);

    server.ollama.queue({ tokens: ['edited ', 'answer'] });
    const edited = await answerOf(socket, 'edit_message', { chat_id: chatId, message_id: q2, message: 'Second question, edited' });
    const names = edited.events.map(([name]) => name).filter((name, index, all) => name !== all[index - 1]);
    expect(names).toEqual(['message_received', 'message_sources', 'message_token', 'message_complete']);
    const q2b = received(edited);
    expect(q2b).not.toBe(q2);
    expect(edited.text).toBe('edited answer');
    // The model saw the path above the question, not the old branch.
    expect(sentToModel(server)).toEqual([
      ['user', 'First question'],
      ['assistant', 'one'],
      ['user', 'Second question, edited'],
    ]);

    rows = await messagesOf(server, chatId);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(q2b)).toMatchObject({
      role: 'user',
      content: 'Second question, edited',
      parent_id: first.complete.message_id,
      active: true,
    });
    expect(byId.get(q2)).toMatchObject({ parent_id: first.complete.message_id, active: false });
    expect(byId.get(edited.complete.message_id)).toMatchObject({ parent_id: q2b, active: true });
    // The old branch's answer is still there, under its question.
    expect(byId.get(second.complete.message_id)).toMatchObject({ parent_id: q2, content: 'two' });

    // A follow-up goes under the branch shown.
    server.ollama.queue({ tokens: ['three'] });
    const third = await ask(socket, { chat_id: chatId, message: 'Third' });
    expect(sentToModel(server).map(([, content]) => content)).toEqual([
      'First question',
      'one',
      'Second question, edited',
      'edited answer',
      'Third',
    ]);
    expect((await messagesOf(server, chatId)).find((row) => row.id === received(third))?.parent_id).toBe(edited.complete.message_id);

    // Back to the old branch: it is shown again, and the next question follows it.
    expect((await server.api('PUT', `/api/chats/${chatId}/messages/${q2}/active`)).status).toBe(204);
    server.ollama.queue({ tokens: ['four'] });
    await ask(socket, { chat_id: chatId, message: 'Fourth' });
    expect(sentToModel(server).map(([, content]) => content)).toEqual(['First question', 'one', 'Second question', 'two', 'Fourth']);

    // Over REST too (`edit_of`): a third branch of the second question, answered in the response.
    server.ollama.queue({ tokens: ['rest'] });
    const viaRest = await server.api('POST', `/api/chats/${chatId}/messages`, { message: 'Second, by REST', edit_of: q2 });
    expect(viaRest.status).toBe(200);
    expect(viaRest.body.answer).toBe('rest');
    expect((await messagesOf(server, chatId)).find((row) => row.id === viaRest.body.user_message_id)).toMatchObject({
      parent_id: first.complete.message_id,
      active: true,
    });
    expect((await server.api('POST', `/api/chats/${chatId}/messages`, { message: 'x', edit_of: 999_999 })).status).toBe(404);

    // Editing the first question makes a second root.
    server.ollama.queue({ tokens: ['fresh'] });
    const root = await answerOf(socket, 'edit_message', { chat_id: chatId, message_id: q1, message: 'Another start' });
    expect(sentToModel(server)).toEqual([['user', 'Another start']]);
    rows = await messagesOf(server, chatId);
    expect(rows.filter((row) => row.parent_id === null).map((row) => [row.id, row.active])).toEqual([
      [q1, false],
      [received(root), true],
    ]);

    // The Markdown export is the conversation shown; the JSON export has the whole tree.
    const markdown = (await server.api('GET', `/api/chats/${chatId}/export/markdown`)).body as string;
    const body = markdown.slice(markdown.indexOf('---')); // after the header (the chat's title is "First question")
    expect(body).toContain('Another start');
    expect(body).not.toContain('First question');
    const json = (await server.api('GET', `/api/chats/${chatId}/export/json`)).body;
    expect(json.messages).toHaveLength(rows.length);
    expect(json.messages.find((message: any) => message.id === q2b)).toMatchObject({ parent_id: first.complete.message_id, active: false });

    // Only questions of this chat can be edited.
    const other = await createProjectAndChat(server);
    const refused = await answerOf(socket, 'edit_message', { chat_id: other.chatId, message_id: q1, message: 'x' });
    expect(refused.error).toMatchObject({ code: 'not_found' });
    const notQuestion = await answerOf(socket, 'edit_message', { chat_id: chatId, message_id: first.complete.message_id, message: 'x' });
    expect(notQuestion.error).toMatchObject({ code: 'not_found' });
    socket.disconnect();
  });

  it('continues a stopped answer in the same message; retries a failed one as a new version', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    const socket = await connect(server.url);
    server.ollama.queue({ tokenCount: 400, tokenDelayMs: 20 });
    const stopped = ask(socket, { chat_id: chatId, message: 'Long one' });
    await new Promise<void>((resolve) => {
      const onToken = (event: any) => {
        if (event.seq >= 3) {
          socket.off('message_token', onToken);
          resolve();
        }
      };
      socket.on('message_token', onToken);
    });
    socket.emit('stop_generation', { chat_id: chatId });
    const partial = await stopped;
    expect(partial.complete.metadata.status).toBe('stopped');
    const answerId = partial.complete.message_id;
    const before = (await messagesOf(server, chatId)).find((row) => row.id === answerId)!;

    server.ollama.queue({ tokens: [' and', ' the end.'] });
    const continued = await answerOf(socket, 'continue_message', { chat_id: chatId, message_id: answerId });
    expect(continued.complete).toMatchObject({ message_id: answerId, metadata: { status: 'complete' } });
    // The first token is the text it had; the rest is appended, in one message.
    const tokens = continued.events.filter(([name]) => name === 'message_token').map(([, data]) => data);
    expect(tokens[0]).toMatchObject({ seq: 1, token: before.content, message_id: answerId });
    expect(continued.text).toBe(`${before.content} and the end.`);
    // The model was asked to go on from the partial answer, the last message of the prompt.
    const prompt = server.ollama.lastChat().body.messages as Array<{ role: string; content: string }>;
    expect(prompt.at(-1)).toEqual({ role: 'assistant', content: before.content });
    const rows = await messagesOf(server, chatId);
    expect(rows.filter((row) => row.role === 'assistant')).toHaveLength(1);
    expect(rows.find((row) => row.id === answerId)).toMatchObject({ content: `${before.content} and the end.`, status: 'complete' });

    // A complete answer is not continued.
    const again = await answerOf(socket, 'continue_message', { chat_id: chatId, message_id: answerId });
    expect(again.error).toMatchObject({ code: 'validation' });

    // A failed answer: Retry (regenerate) gives a new version that works.
    server.ollama.queue({ tokens: ['bro', 'ken'], errorAfter: 1 });
    const failed = await ask(socket, { chat_id: chatId, message: 'Fails' });
    expect(failed.error?.message_id).toBeGreaterThan(0);
    server.ollama.queue({ tokens: ['fixed'] });
    const retried = await answerOf(socket, 'regenerate_message', { chat_id: chatId, message_id: failed.error.message_id });
    expect(retried.text).toBe('fixed');
    const turn = (await messagesOf(server, chatId)).filter((row) => row.parent_id === received(failed));
    expect(turn.map((row) => [row.status, row.active])).toEqual([
      ['failed', false],
      ['complete', true],
    ]);
    socket.disconnect();
  });

  it('resumes a regenerated and a continued answer after a dropped connection, like a normal one', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    const socket = await connect(server.url);
    server.ollama.queue({ tokens: ['short'] });
    const first = await ask(socket, { chat_id: chatId, message: 'Q' });

    for (const kind of ['regenerate_message', 'continue_message'] as const) {
      if (kind === 'continue_message') {
        // Something to continue: a stopped answer.
        server.ollama.queue({ tokenCount: 400, tokenDelayMs: 10 });
        const streamed = tokensSeen(socket, 3);
        const regenerated = answerOf(socket, 'regenerate_message', { chat_id: chatId, message_id: first.complete.message_id });
        await streamed;
        socket.emit('stop_generation', { chat_id: chatId });
        expect((await regenerated).complete.metadata.status).toBe('stopped');
      }
      const target = (await messagesOf(server, chatId)).filter((row) => row.role === 'assistant' && row.active).at(-1)!;
      server.ollama.queue({ tokenCount: 60, tokenDelayMs: 15 });
      const dropping = await connect(server.url);
      const seen: any[] = [];
      dropping.on('message_token', (event) => seen.push(event));
      const fiveTokens = tokensSeen(dropping, 5);
      dropping.emit(kind, { chat_id: chatId, message_id: target.id } as never);
      await fiveTokens;
      dropping.disconnect();
      const lastSeq = seen.at(-1).seq;

      const back = await connect(server.url);
      const rest: any[] = [];
      back.on('message_token', (event) => rest.push(event));
      const done = new Promise<any>((resolve) => back.on('message_complete', resolve));
      back.emit('resume_message', { chat_id: chatId, after_seq: lastSeq });
      const complete = await done;
      // Exactly the missing tokens, then the end; together, the saved message.
      expect(rest[0].seq).toBe(lastSeq + 1);
      const text = [...seen, ...rest].map((event) => event.token).join('');
      const saved = (await messagesOf(server, chatId)).find((row) => row.id === complete.message_id)!;
      expect(saved.content).toBe(text);
      expect(saved.status).toBe('complete');
      if (kind === 'continue_message') expect(complete.message_id).toBe(target.id);
      else expect(complete.message_id).not.toBe(target.id);
      back.disconnect();
    }
    socket.disconnect();
  });

  it('keeps thumbs up / down with the answer, and exports and imports them with the tree and the chat model', async () => {
    server = await startTestServer();
    const { projectId, chatId } = await createProjectAndChat(server);
    expect((await server.api('PUT', `/api/chats/${chatId}`, { model: 'llama3.2' })).status).toBe(200);
    const socket = await connect(server.url);
    server.ollama.queue({ tokens: ['v1'] });
    const first = await ask(socket, { chat_id: chatId, message: 'Rate me' });
    server.ollama.queue({ tokens: ['v2'] });
    const second = await answerOf(socket, 'regenerate_message', { chat_id: chatId, message_id: first.complete.message_id });
    const up = await server.api('PUT', `/api/chats/${chatId}/messages/${second.complete.message_id}/feedback`, { feedback: 'up' });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ id: second.complete.message_id, feedback: 'up' });
    expect(
      (await server.api('PUT', `/api/chats/${chatId}/messages/${first.complete.message_id}/feedback`, { feedback: 'down' })).status,
    ).toBe(200);
    // Checked input: a question, another chat's answer, a bad value.
    expect((await server.api('PUT', `/api/chats/${chatId}/messages/${received(first)}/feedback`, { feedback: 'up' })).status).toBe(404);
    expect(
      (await server.api('PUT', `/api/chats/${chatId}/messages/${first.complete.message_id}/feedback`, { feedback: 'meh' })).status,
    ).toBe(422);
    const other = await createProjectAndChat(server);
    expect(
      (await server.api('PUT', `/api/chats/${other.chatId}/messages/${first.complete.message_id}/feedback`, { feedback: 'up' })).status,
    ).toBe(404);
    let rows = await messagesOf(server, chatId);
    expect(rows.map((row) => row.feedback)).toEqual([null, 'down', 'up']);

    const archive = await exportArchive(server, projectId);
    expect(archive.status).toBe(200);
    const imported = await importArchive(server, archive.bytes, 'Imported copy');
    expect(imported.status).toBe(201);
    const chats = (await server.api('GET', `/api/projects/${imported.body.id ?? imported.body.project_id}/chats`)).body as any[];
    expect(chats).toHaveLength(1);
    expect(chats[0].model).toBe('llama3.2');
    rows = await messagesOf(server, chats[0].id);
    const question = rows[0];
    expect(
      rows.map((row) => [row.role, row.content, row.parent_id === null ? null : row.parent_id === question.id, row.active, row.feedback]),
    ).toEqual([
      ['user', 'Rate me', null, true, null],
      ['assistant', 'v1', true, false, 'down'],
      ['assistant', 'v2', true, true, 'up'],
    ]);
    // Cleared.
    expect(
      (await server.api('PUT', `/api/chats/${chatId}/messages/${second.complete.message_id}/feedback`, { feedback: null })).body.feedback,
    ).toBeNull();
    socket.disconnect();
  });
});

describe('project prompts: system_prompt and answer_mode', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('sends the project system prompt first; documents_only refuses without calling the model when nothing is relevant', async () => {
    server = await startTestServer();
    const { projectId, chatId } = await createProjectAndChat(server);
    const socket = await connect(server.url);
    await joinProject(socket, projectId);
    const statuses = new DocumentStatusLog(socket);
    const upload = await uploadDocument(server, projectId, {
      filename: 'parking.md',
      content: '# Parking\n\nEmployees park in garage B on level two. Visitors use the public car park next door.',
    });
    expect(upload.status).toBe(201);
    expect((await statuses.until(upload.body.document.id, isFinal)).status).toBe('completed');

    const settings = await server.api('PUT', `/api/projects/${projectId}`, {
      settings: { system_prompt: 'You are the Acme parking desk. Answer in English.', answer_mode: 'documents_only' },
    });
    expect(settings.status).toBe(200);

    // Relevant: the model answers, with the project's prompt before ours in the one system message.
    server.ollama.queue({ tokens: ['Garage ', 'B [1]'] });
    const answered = await ask(socket, { chat_id: chatId, message: 'Where do employees park?' });
    expect(answered.text).toBe('Garage B [1]');
    const system = (server.ollama.lastChat().body.messages as Array<{ role: string; content: string }>).filter((m) => m.role === 'system');
    expect(system).toHaveLength(1);
    expect(system[0]!.content.startsWith('You are the Acme parking desk. Answer in English.\n\n')).toBe(true);
    expect(system[0]!.content).toContain('Answer only from the numbered sources');

    // Nothing relevant: the fixed refusal, and the model is not asked.
    const calls = server.ollama.chatRequests().length;
    const refused = await ask(socket, { chat_id: chatId, message: 'What is the weather on Mars tomorrow?' });
    expect(refused.text).toBe("I could not find this in the project's documents.");
    expect(refused.complete.metadata).toMatchObject({ status: 'complete', sources_count: 0, model: 'documents_only' });
    expect(server.ollama.chatRequests().length).toBe(calls);
    const saved = (await messagesOf(server, chatId)).at(-1);
    expect(saved).toMatchObject({ role: 'assistant', content: "I could not find this in the project's documents.", status: 'complete' });

    // The refusal is configurable; `chat` mode asks the model again.
    await server.api('PUT', `/api/projects/${projectId}`, { settings: { refusal_message: 'Not in the parking handbook.' } });
    expect((await ask(socket, { chat_id: chatId, message: 'Who won the match on Mars?' })).text).toBe('Not in the parking handbook.');
    expect(server.ollama.chatRequests().length).toBe(calls);
    await server.api('PUT', `/api/projects/${projectId}`, { settings: { answer_mode: 'chat' } });
    server.ollama.queue({ tokens: ['general'] });
    expect((await ask(socket, { chat_id: chatId, message: 'Who won the match on Mars?' })).text).toBe('general');
    expect(server.ollama.chatRequests().length).toBe(calls + 1);

    // Checked like every setting.
    const bad = await server.api('PUT', `/api/projects/${projectId}`, { settings: { answer_mode: 'strict' } });
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toMatch(/answer_mode/);
    socket.disconnect();
  });
});
