import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

describe('installed models, catalog and /api/llm', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer();
    server.ollama.models.push(
      {
        name: 'bge-m3:latest',
        capabilities: ['embedding'],
        family: 'bert',
        parameterSize: '567M',
        contextLength: 8192,
        embeddingLength: 1024,
        size: 1_200_000_000,
      },
      {
        name: 'all-minilm:latest',
        capabilities: ['embedding'],
        family: 'bert',
        parameterSize: '23M',
        contextLength: 512,
        embeddingLength: 384,
      },
      // A chat model whose name says "embed": the name must not decide.
      { name: 'embedder-chat:7b', capabilities: ['completion'], family: 'qwen2', parameterSize: '7.6B', contextLength: 32768 },
      { name: 'llama3.2:1b', capabilities: ['completion', 'tools'], family: 'llama', parameterSize: '1.2B', contextLength: 131072 },
    );
  });
  afterEach(async () => {
    await server.close();
  });

  it('splits installed models by what Ollama says they can do, with full tags, sizes, families and context lengths', async () => {
    const { status, body } = await server.api('GET', '/api/settings/models/installed');
    expect(status).toBe(200);
    expect(body.llm_models.map((model: { name: string }) => model.name).sort()).toEqual([
      'embedder-chat:7b',
      'llama3.2:1b',
      'llama3.2:latest',
    ]);
    expect(body.embedding_models.map((model: { name: string }) => model.name).sort()).toEqual([
      'all-minilm:latest',
      'bge-m3:latest',
      'nomic-embed-text:latest',
    ]);
    expect(body.embedding_models.find((model: { name: string }) => model.name === 'bge-m3:latest')).toEqual({
      name: 'bge-m3:latest',
      size: 1_200_000_000,
      modified_at: '2026-10-01T10:00:00.000000000Z',
      family: 'bert',
      parameter_size: '567M',
      quantization_level: 'Q4_K_M',
      context_length: 8192,
      embedding_length: 1024,
      capabilities: ['embedding'],
    });
    expect(body.llm_models.find((model: { name: string }) => model.name === 'llama3.2:1b')).toMatchObject({
      context_length: 131072,
      capabilities: ['completion', 'tools'],
      embedding_length: null,
    });
    expect(body).toMatchObject({ current_llm: 'llama3.2', current_embedding: 'nomic-embed-text', ollama_reachable: true });

    // Descriptions are cached per digest: a second listing asks only /api/tags.
    const shows = server.ollama.requestsTo('/api/show').length;
    await server.api('GET', '/api/settings/models/installed');
    expect(server.ollama.requestsTo('/api/show').length).toBe(shows);
  });

  it('lists the featured catalog with installed flags matched by full tag', async () => {
    const { body } = await server.api('GET', '/api/settings/models/popular');
    expect(body.llm_models.map((model: { name: string }) => model.name)).toEqual([
      'llama3.2',
      'llama3.1',
      'mistral',
      'mixtral',
      'qwen2.5',
      'phi3',
    ]);
    expect(body.embedding_models.map((model: { name: string }) => model.name)).toEqual([
      'nomic-embed-text',
      'mxbai-embed-large',
      'all-minilm',
    ]);
    const installed = (list: Array<{ name: string; installed: boolean }>, name: string) =>
      list.find((model) => model.name === name)?.installed;
    expect(installed(body.llm_models, 'llama3.2')).toBe(true);
    expect(installed(body.llm_models, 'mistral')).toBe(false);
    expect(installed(body.embedding_models, 'all-minilm')).toBe(true);
    expect(body.llm_models[0]).toEqual({
      name: 'llama3.2',
      size: '2.0GB',
      description: expect.any(String),
      installed: true,
    });
  });

  it('searches the whole catalog and offers any other Ollama model by its exact name', async () => {
    let response = await server.api('GET', '/api/settings/models/search?query=BGE&model_type=embedding');
    expect(response.status).toBe(200);
    expect(response.body.filter((model: { custom: boolean }) => !model.custom).map((model: { name: string }) => model.name)).toEqual([
      'bge-large',
      'bge-m3',
    ]);
    expect(response.body.find((model: { name: string }) => model.name === 'bge-m3')).toMatchObject({
      type: 'embedding',
      featured: false,
      installed: true,
      custom: false,
    });

    response = await server.api('GET', '/api/settings/models/search?query=coder');
    const names = response.body.map((model: { name: string }) => model.name);
    expect(names).toEqual(expect.arrayContaining(['qwen2.5-coder', 'deepseek-coder', 'yi-coder']));

    response = await server.api('GET', '/api/settings/models/search?query=granite3.1-dense:8b&model_type=llm');
    expect(response.body).toEqual([
      {
        name: 'granite3.1-dense:8b',
        size: 'unknown',
        description: expect.stringMatching(/any model of the Ollama library/),
        type: 'llm',
        installed: false,
        featured: false,
        custom: true,
      },
    ]);

    response = await server.api('GET', '/api/settings/models/search?query=mistral&model_type=chat');
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/model_type must be 'llm' or 'embedding'/);
    response = await server.api('GET', '/api/settings/models/search?query=');
    expect(response.status).toBe(422);
  });

  it('/api/llm/models lists full tags; /api/llm/models/{name} describes a model or answers 404 (no 500)', async () => {
    let response = await server.api('GET', '/api/llm/models');
    expect(response.status).toBe(200);
    expect(response.body.count).toBe(6);
    expect(response.body.default_model).toBe('llama3.2');
    expect(response.body.models[0]).toMatchObject({ name: 'llama3.2:latest', size: 2019393189, digest: expect.any(String) });
    expect(response.body.models[0].details).toMatchObject({ family: 'llama', parameter_size: '3.2B' });

    response = await server.api('GET', '/api/llm/models/llama3.2:1b');
    expect(response.status).toBe(200);
    expect(response.body.name).toBe('llama3.2:1b');
    expect(response.body.details).toMatchObject({ capabilities: ['completion', 'tools'], details: { family: 'llama' } });

    response = await server.api('GET', '/api/llm/models/no-such-model');
    expect(response.status).toBe(404);
    expect(response.body.detail).toBe('Model not found: no-such-model');
  });

  it('/api/llm/model/switch persists the default chat model, which /api/settings then shows', async () => {
    let response = await server.api('POST', '/api/llm/model/switch', { model: 'llama3.2:1b' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ message: 'Successfully switched to model: llama3.2:1b', default_model: 'llama3.2:1b' });
    expect((await server.api('GET', '/api/settings')).body.default_llm_model).toBe('llama3.2:1b');
    response = await server.api('POST', '/api/llm/model/switch', { model: 'all-minilm' });
    expect(response.status).toBe(422);
  });

  it('deletes a model through Ollama, refuses the defaults, and answers 404 for a missing one', async () => {
    let response = await server.api('DELETE', '/api/settings/models/all-minilm');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true, model_name: 'all-minilm', message: "Deleted model 'all-minilm'" });
    expect(server.ollama.requestsTo('/api/delete').at(-1)?.body).toEqual({ model: 'all-minilm' });
    expect(server.ollama.models.some((model) => model.name === 'all-minilm:latest')).toBe(false);
    const installed = await server.api('GET', '/api/settings/models/installed');
    expect(installed.body.embedding_models.map((model: { name: string }) => model.name)).not.toContain('all-minilm:latest');

    response = await server.api('DELETE', '/api/settings/models/all-minilm');
    expect(response.status).toBe(404);
    expect(response.body.detail).toBe("Model 'all-minilm' is not installed");

    response = await server.api('DELETE', '/api/settings/models/llama3.2:latest');
    expect(response.status).toBe(409);
    expect(response.body.detail).toMatch(/is the default chat model/);
    response = await server.api('DELETE', '/api/settings/models/nomic-embed-text');
    expect(response.status).toBe(409);
    expect(response.body.detail).toMatch(/is the default embedding model/);
  });

  it('accepts model names with a namespace through URL-encoded slashes', async () => {
    server.ollama.models.push({ name: 'hf.co/someone/tiny-gguf:Q4_K_M', capabilities: ['completion'] });
    const response = await server.api('GET', `/api/llm/models/${encodeURIComponent('hf.co/someone/tiny-gguf:Q4_K_M')}`);
    expect(response.status).toBe(200);
    expect(response.body.name).toBe('hf.co/someone/tiny-gguf:Q4_K_M');
  });
});
