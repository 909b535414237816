import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Source } from '../../../src/protocol/source.ts';
import type { RetrieveOptions, Retriever } from '../../../src/server/search/retriever.ts';
import { ask, connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

/** A retriever that records what each answer asked it for, and returns fixed passages. */
function recordingRetriever(sources: Source[] = []): Retriever & { calls: RetrieveOptions[] } {
  const calls: RetrieveOptions[] = [];
  return {
    calls,
    async retrieve(options) {
      calls.push(options);
      return sources.slice(0, options.limit);
    },
  };
}

/** Each saved setting reaches the very next `send_message`: one test per value. */
describe('settings drive the next send_message', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let retriever: ReturnType<typeof recordingRetriever>;
  let chatId: number;
  let projectId: number;

  beforeEach(async () => {
    retriever = recordingRetriever();
    server = await startTestServer({}, { retriever });
    socket = await connect(server.url);
    ({ chatId, projectId } = await createProjectAndChat(server));
  });
  afterEach(async () => {
    socket.disconnect();
    await server.close();
  });

  async function put(body: Record<string, unknown>) {
    const response = await server.api('PUT', '/api/settings', body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  }

  async function askOk(message: string, extra: Record<string, unknown> = {}) {
    const answer = await ask(socket, { chat_id: chatId, message, ...extra });
    expect(answer.error).toBeUndefined();
    return answer;
  }

  it('default_llm_model: the next answer uses the new model (and a project override wins over it)', async () => {
    server.ollama.models.push({ name: 'mistral:latest', capabilities: ['completion'] });
    server.ollama.models.push({ name: 'qwen2.5:7b', capabilities: ['completion', 'tools'] });
    await askOk('before');
    expect(server.ollama.lastChat().body.model).toBe('llama3.2');

    await put({ default_llm_model: 'mistral' });
    const answer = await askOk('after');
    expect(server.ollama.lastChat().body.model).toBe('mistral');
    expect(answer.complete.metadata.model).toBe('mistral');

    const override = await server.api('PUT', `/api/projects/${projectId}`, { settings: { llm_model: 'qwen2.5:7b' } });
    expect(override.status).toBe(200);
    await askOk('with a project override');
    expect(server.ollama.lastChat().body.model).toBe('qwen2.5:7b');
    // A model named in the message itself still wins.
    await askOk('explicit', { model: 'llama3.2' });
    expect(server.ollama.lastChat().body.model).toBe('llama3.2');
  });

  it("default_llm_model 'extractive': answers are quoted passages, without asking the model server", async () => {
    await put({ default_llm_model: 'extractive' });
    const chats = server.ollama.chatRequests().length;
    const answer = await askOk('anything');
    expect(answer.complete.metadata.model).toBe('extractive');
    expect(server.ollama.chatRequests()).toHaveLength(chats);
  });

  it('default_temperature: sent as options.temperature', async () => {
    await askOk('before');
    expect(server.ollama.lastChat().body.options.temperature).toBe(0.7);
    await put({ default_temperature: 0.15 });
    await askOk('after');
    expect(server.ollama.lastChat().body.options.temperature).toBe(0.15);
  });

  it('default_max_tokens: sent as options.num_predict', async () => {
    await put({ default_max_tokens: 99 });
    await askOk('short answer please');
    expect(server.ollama.lastChat().body.options.num_predict).toBe(99);
  });

  it('default_history_length: how many previous turns go with the question', async () => {
    await askOk('first question');
    await askOk('second question');
    await askOk('third question');
    // Default 5 turns: all three previous pairs.
    expect(server.ollama.lastChat().body.messages).toHaveLength(1 + 2 * 2 + 1);
    await put({ default_history_length: 1 });
    await askOk('fourth question');
    const messages = server.ollama.lastChat().body.messages;
    expect(messages).toHaveLength(1 + 2 * 1 + 1);
    expect(messages[1].content).toBe('third question');
    await put({ default_history_length: 0 });
    await askOk('fifth question');
    expect(server.ollama.lastChat().body.messages.map((message: { role: string }) => message.role)).toEqual(['system', 'user']);
  });

  it('default_retrieval_k: the number of passages asked of retrieval', async () => {
    await askOk('before');
    expect(retriever.calls.at(-1)?.limit).toBe(5);
    await put({ default_retrieval_k: 2 });
    await askOk('after');
    expect(retriever.calls.at(-1)?.limit).toBe(2);
  });

  it('default_min_score: the score floor given to retrieval', async () => {
    await askOk('before');
    expect(retriever.calls.at(-1)?.minScore).toBe(0);
    await put({ default_min_score: 0.42 });
    await askOk('after');
    expect(retriever.calls.at(-1)?.minScore).toBe(0.42);
    const override = await server.api('PUT', `/api/projects/${projectId}`, { settings: { min_score: 0.6, retrieval_k: 9 } });
    expect(override.status).toBe(200);
    await askOk('with project overrides');
    expect(retriever.calls.at(-1)).toMatchObject({ minScore: 0.6, limit: 9, projectId });
  });
});
