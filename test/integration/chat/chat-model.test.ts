import { afterEach, describe, expect, it } from 'vitest';
import { ask, connect } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

describe('the chat model chosen for one chat', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  it('is saved with the chat (PUT /api/chats/{id} {model}) and answers send_message without a model', async () => {
    server = await startTestServer();
    server.ollama.models.push({ name: 'qwen2.5:7b', capabilities: ['completion'] });
    const { chatId } = await createProjectAndChat(server);
    const chosen = await server.api('PUT', `/api/chats/${chatId}`, { model: 'qwen2.5:7b' });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ id: chatId, model: 'qwen2.5:7b', title: 'New Chat' });
    expect((await server.api('GET', `/api/chats/${chatId}`)).body.model).toBe('qwen2.5:7b');

    const socket = await connect(server.url);
    const answer = await ask(socket, { chat_id: chatId, message: 'hello' });
    expect(answer.complete.metadata.model).toBe('qwen2.5:7b');
    expect(server.ollama.lastChat().body.model).toBe('qwen2.5:7b');

    // A model named in the message still wins for that message.
    await ask(socket, { chat_id: chatId, message: 'again', model: 'llama3.2:latest' });
    expect(server.ollama.lastChat().body.model).toBe('llama3.2:latest');

    // null goes back to the default.
    const reset = await server.api('PUT', `/api/chats/${chatId}`, { model: null });
    expect(reset.body.model).toBeNull();
    await ask(socket, { chat_id: chatId, message: 'third' });
    expect(server.ollama.lastChat().body.model).toBe('llama3.2');
    socket.disconnect();
  });

  it('refuses an empty body and keeps the title when only the model changes', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    await server.api('PUT', `/api/chats/${chatId}`, { title: 'Named' });
    expect((await server.api('PUT', `/api/chats/${chatId}`, {})).status).toBe(422);
    const updated = await server.api('PUT', `/api/chats/${chatId}`, { model: 'llama3.2:latest' });
    expect(updated.body).toMatchObject({ title: 'Named', model: 'llama3.2:latest' });
  });
});
