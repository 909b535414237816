import { afterEach, describe, expect, it } from 'vitest';
import type { Source } from '../../../src/protocol/source.ts';
import { ask, connect, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

const passage: Source = {
  id: 'doc-1-chunk-0',
  content: 'The warranty covers parts and labour for two years. Batteries are covered for six months only.',
  metadata: { document_id: 1, filename: 'warranty.pdf', chunk_index: 0, start_char: 0, end_char: 96, page: 3 },
  score: 0.9,
};

describe('model servers: status, health, and life without Ollama', () => {
  let server: TestServer | undefined;
  let socket: ClientSocket | undefined;

  afterEach(async () => {
    socket?.disconnect();
    await server?.close();
    server = undefined;
    socket = undefined;
  });

  it('reports both servers reachable and the models in use', async () => {
    server = await startTestServer({ LLM_PROVIDER: 'auto' });
    const status = await server.api('GET', '/api/llm/status');
    expect(status.status).toBe(200);
    expect(status.body).toEqual({
      connected: true,
      host: server.ollama.url,
      default_model: 'llama3.2',
      message: 'Connected to Ollama',
      provider: 'ollama',
      default_model_installed: true,
      embedding: {
        reachable: true,
        host: server.ollama.url,
        model: 'nomic-embed-text',
        model_installed: true,
        message: 'Connected to Ollama',
      },
      models_in_use: { llm: 'llama3.2', embedding: 'nomic-embed-text' },
    });

    const health = await server.api('GET', '/api/health');
    expect(health.body).toMatchObject({
      status: 'ok',
      ollama_status: 'running',
      ollama_models_count: 2,
      llm_provider: 'ollama',
      llm_server: { reachable: true, model: 'llama3.2', model_installed: true },
      embedding_server: { reachable: true, model: 'nomic-embed-text', model_installed: true },
      models_in_use: { llm: 'llama3.2', embedding: 'nomic-embed-text' },
    });
    // Health is public: it does not disclose the model server's address.
    expect(JSON.stringify(health.body)).not.toContain(server.ollama.url);
  });

  it('says plainly when a chosen model is not installed', async () => {
    server = await startTestServer({ LLM_PROVIDER: 'auto', OLLAMA_MODEL: 'mistral:7b', EMBEDDING_MODEL: 'bge-m3' });
    const { body } = await server.api('GET', '/api/llm/status');
    expect(body).toMatchObject({
      connected: true,
      default_model: 'mistral:7b',
      default_model_installed: false,
      message: "Connected to Ollama, but the chat model 'mistral:7b' is not installed: download it in the settings",
      embedding: { reachable: true, model_installed: false },
      models_in_use: { llm: 'mistral:7b', embedding: 'none' },
    });
  });

  it('with Ollama down: status and health say so, model lists degrade, and chat answers extractively', async () => {
    server = await startTestServer({ LLM_PROVIDER: 'auto' }, { retriever: { retrieve: async () => [passage] } });
    const port = server.ollama.port;
    await server.ollama.stop();

    const status = await server.api('GET', '/api/llm/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      connected: false,
      default_model: 'llama3.2',
      provider: 'ollama',
      default_model_installed: null,
      embedding: { reachable: false, model: 'nomic-embed-text', model_installed: null },
      models_in_use: { llm: 'extractive', embedding: 'none' },
    });
    expect(status.body.message).toMatch(/^Cannot connect to Ollama \(ECONNREFUSED\): answers are extractive quotes from your documents/);
    expect(status.body.embedding.message).toMatch(/search uses full-text matching only/);

    const health = await server.api('GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      ollama_status: 'not_running',
      llm_provider: 'extractive',
      llm_server: { reachable: false },
      embedding_server: { reachable: false },
      models_in_use: { llm: 'extractive', embedding: 'none' },
    });
    expect(health.body.ollama_warning).toMatch(/extractive/);

    const installed = await server.api('GET', '/api/settings/models/installed');
    expect(installed.status).toBe(200);
    expect(installed.body).toMatchObject({ llm_models: [], embedding_models: [], ollama_reachable: false, current_llm: 'llama3.2' });
    expect(installed.body.message).toMatch(/^Cannot reach Ollama at .*: connection refused$/);
    const popular = await server.api('GET', '/api/settings/models/popular');
    expect(popular.status).toBe(200);
    expect(popular.body.llm_models.every((model: { installed: boolean }) => !model.installed)).toBe(true);
    const models = await server.api('GET', '/api/llm/models');
    expect(models.status).toBe(503);
    expect(models.body.detail).toMatch(/^Failed to list models: Cannot reach Ollama at .*: connection refused$/);

    socket = await connect(server.url);
    const failedPull = waitFor(socket, 'model_pull_progress', (progress) => progress.done);
    expect((await server.api('POST', '/api/settings/models/pull', { model_name: 'mistral' })).status).toBe(202);
    expect((await failedPull).error).toMatch(/^Downloading 'mistral' failed: Cannot reach Ollama at .*: connection refused$/);

    // Chat keeps working: an extractive answer from the passages, clearly labelled.
    const { chatId } = await createProjectAndChat(server);
    const answer = await ask(socket, { chat_id: chatId, message: 'How long are batteries covered?' });
    expect(answer.error).toBeUndefined();
    expect(answer.complete.metadata).toMatchObject({ model: 'extractive', status: 'complete', sources_count: 1 });
    expect(answer.text).toMatch(/Batteries are covered for six months only\. \[1\]/);

    // When Ollama comes back, the status says so.
    await server.ollama.start(port);
    const back = await server.api('GET', '/api/llm/status');
    expect(back.body).toMatchObject({ connected: true, message: 'Connected to Ollama', models_in_use: { llm: 'llama3.2' } });
  });

  it('with LLM_PROVIDER=ollama forced and Ollama down, health is degraded and says answers fail', async () => {
    server = await startTestServer({ LLM_PROVIDER: 'ollama' });
    await server.ollama.stop();
    const health = await server.api('GET', '/api/health');
    expect(health.body.status).toBe('degraded');
    expect(health.body.llm_server.message).toMatch(/answers fail until it runs/);
    expect(health.body.models_in_use.llm).toBe('llama3.2');
  });
});
