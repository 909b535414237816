import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

describe('/api/settings: stored, validated, with env defaults', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer({ DEFAULT_TOP_K: 7, DEFAULT_CHUNK_SIZE: 800, DEFAULT_CHUNK_OVERLAP: 100 });
  });
  afterEach(async () => {
    await server.close();
  });

  it('starts from the environment and keeps every field of the original SettingsResponse', async () => {
    const { status, body } = await server.api('GET', '/api/settings');
    expect(status).toBe(200);
    expect(body).toEqual({
      default_llm_model: 'llama3.2',
      default_embedding_model: 'nomic-embed-text',
      default_chunk_size: 800,
      default_chunk_overlap: 100,
      default_retrieval_k: 7,
      theme: 'system',
      default_temperature: 0.7,
      default_min_score: 0,
      default_history_length: 5,
      default_max_tokens: 2048,
    });
  });

  it('round-trips a partial update, persists it in the database, and leaves other values alone', async () => {
    const update = {
      default_chunk_size: 1200,
      default_chunk_overlap: 150,
      default_retrieval_k: 3,
      theme: 'dark',
      default_temperature: 0.2,
      default_min_score: 0.35,
      default_history_length: 2,
      default_max_tokens: 512,
    };
    const put = await server.api('PUT', '/api/settings', update);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject(update);
    expect(put.body.default_llm_model).toBe('llama3.2');
    expect((await server.api('GET', '/api/settings')).body).toEqual(put.body);
    // Really stored: the row survives a restart of the service (read straight from the store).
    expect(await server.store.settings.getAll()).toMatchObject(update);
  });

  it('refuses out-of-range and ill-typed values with 422 and a message naming the field, writing nothing', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ default_temperature: 3 }, /default_temperature: must be between 0 and 2/],
      [{ default_retrieval_k: 0 }, /default_retrieval_k: must be at least 1/],
      [{ default_retrieval_k: 2.5 }, /default_retrieval_k: must be a whole number/],
      [{ default_chunk_size: 10 }, /default_chunk_size: must be at least 100 characters/],
      [{ default_min_score: -0.1 }, /default_min_score: must be between 0 and 1/],
      [{ default_max_tokens: 100_000 }, /default_max_tokens: must be at most 32768/],
      [{ default_history_length: '3' }, /default_history_length/],
      [{ theme: 'purple' }, /theme: must be 'light', 'dark' or 'system'/],
      [{ default_llm_model: 'bad name!' }, /default_llm_model: is not a valid model name/],
      [{ unknown_key: 1 }, /unknown_key/],
    ];
    for (const [body, message] of cases) {
      const response = await server.api('PUT', '/api/settings', body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body.detail).toMatch(message);
    }
    expect(await server.store.settings.getAll()).toEqual({});
  });

  it('refuses an overlap that is not smaller than the chunk size, also across two updates', async () => {
    let response = await server.api('PUT', '/api/settings', { default_chunk_size: 500, default_chunk_overlap: 500 });
    expect(response.status).toBe(422);
    expect(response.body.detail).toBe('default_chunk_overlap (500) must be smaller than default_chunk_size (500)');
    response = await server.api('PUT', '/api/settings', { default_chunk_size: 400, default_chunk_overlap: 100 });
    expect(response.status).toBe(200);
    response = await server.api('PUT', '/api/settings', { default_chunk_overlap: 450 });
    expect(response.status).toBe(422);
    expect(response.body.detail).toBe('default_chunk_overlap (450) must be smaller than default_chunk_size (400)');
    expect((await server.api('GET', '/api/settings')).body.default_chunk_overlap).toBe(100);
  });

  it('answers 400 to an update that changes nothing', async () => {
    const response = await server.api('PUT', '/api/settings', {});
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/^Provide at least one setting to change/);
    const models = await server.api('PUT', '/api/settings/models', {});
    expect(models.status).toBe(400);
    expect(models.body.detail).toBe('Must provide at least one of llm_model or embedding_model');
  });

  it('sets models by their full tag (llama3.2:1b stays llama3.2:1b) and accepts a name without tag for :latest', async () => {
    server.ollama.models.push({ name: 'llama3.2:1b', capabilities: ['completion'] });
    server.ollama.models.push({ name: 'bge-m3:latest', capabilities: ['embedding'], family: 'bert' });
    let response = await server.api('PUT', '/api/settings/models', { llm_model: 'llama3.2:1b', embedding_model: 'bge-m3' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ default_llm_model: 'llama3.2:1b', default_embedding_model: 'bge-m3' });
    response = await server.api('PUT', '/api/settings', { default_llm_model: 'llama3.2:latest' });
    expect(response.status).toBe(200);
    expect(response.body.default_llm_model).toBe('llama3.2:latest');
  });

  it('refuses a model that is not installed, or of the wrong kind, with 422', async () => {
    let response = await server.api('PUT', '/api/settings/models', { llm_model: 'llama3.2:70b' });
    expect(response.status).toBe(422);
    expect(response.body.detail).toBe(
      "default_llm_model: model 'llama3.2:70b' is not installed in Ollama; download it first (POST /api/settings/models/pull)",
    );
    response = await server.api('PUT', '/api/settings', { default_embedding_model: 'llama3.2' });
    expect(response.status).toBe(422);
    expect(response.body.detail).toBe("default_embedding_model: model 'llama3.2' is a chat model; choose an embedding model");
    response = await server.api('PUT', '/api/settings', { default_llm_model: 'nomic-embed-text' });
    expect(response.status).toBe(422);
    expect(response.body.detail).toBe("default_llm_model: model 'nomic-embed-text' is an embedding model; choose a chat model");
    expect(await server.store.settings.getAll()).toEqual({});
  });

  it('refuses model changes with a plain 503 while Ollama is unreachable, but still saves other values', async () => {
    await server.ollama.stop();
    let response = await server.api('PUT', '/api/settings/models', { llm_model: 'mistral' });
    expect(response.status).toBe(503);
    expect(response.body.detail).toMatch(
      /^Cannot check model 'mistral': Ollama is not reachable at http:\/\/127\.0\.0\.1:\d+\. Start Ollama/,
    );
    // The unchanged model (as a settings form sends it) is not re-checked, so the rest saves.
    response = await server.api('PUT', '/api/settings', { default_llm_model: 'llama3.2', default_temperature: 0.1 });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ default_llm_model: 'llama3.2', default_temperature: 0.1 });
  });

  it('validates project overrides with the same ranges and model checks', async () => {
    let response = await server.api('POST', '/api/projects', { name: 'P', settings: { temperature: 5 } });
    expect(response.status).toBe(422);
    expect(response.body.detail).toBe('settings.temperature: must be between 0 and 2');
    response = await server.api('POST', '/api/projects', { name: 'P', settings: { llm_model: 'ghost-model' } });
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/model 'ghost-model' is not installed/);
    response = await server.api('POST', '/api/projects', { name: 'P', settings: { chunk_size: 300, color: 'blue' } });
    expect(response.status).toBe(201);
    const id = response.body.id;
    // The global overlap (100) fits 300; an override of 300 does not.
    response = await server.api('PUT', `/api/projects/${id}`, { settings: { chunk_overlap: 300 } });
    expect(response.status).toBe(422);
    expect(response.body.detail).toBe('settings.chunk_overlap (300) must be smaller than chunk_size (300)');
    expect(JSON.parse((await server.api('GET', `/api/projects/${id}`)).body.settings)).toEqual({ chunk_size: 300, color: 'blue' });
  });

  it('gives the effective settings per project: project overrides > global > env', async () => {
    await server.api('PUT', '/api/settings', { default_chunk_size: 900, default_retrieval_k: 4 });
    const project = await server.api('POST', '/api/projects', {
      name: 'Overrides',
      settings: { chunk_size: 400, chunk_overlap: 50, embedding_model: 'nomic-embed-text:latest' },
    });
    expect(project.status).toBe(201);
    const effective = await server.settings.effective({ projectId: project.body.id });
    expect(effective).toMatchObject({
      chunkSize: 400,
      chunkOverlap: 50,
      embeddingModel: 'nomic-embed-text:latest',
      retrievalK: 4,
      llmModel: 'llama3.2',
    });
    expect(await server.settings.effective()).toMatchObject({ chunkSize: 900, chunkOverlap: 100, retrievalK: 4 });
  });
});
