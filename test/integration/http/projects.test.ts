import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

describe('REST: projects', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());

  it('creates with the original fields, at /api/projects and /api/projects/', async () => {
    const created = await server.api('POST', '/api/projects/', {
      name: 'Research',
      description: 'Papers',
      folder_path: '/tmp/papers',
      settings: { retrieval_k: 4 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      name: 'Research',
      description: 'Papers',
      chroma_collection_name: `project_${created.body.id}`,
      document_count: 0,
      chat_count: 0,
      total_chunks: 0,
      settings: JSON.stringify({ retrieval_k: 4, folder_path: '/tmp/papers' }),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.any(String),
    });
    const list = await server.api('GET', '/api/projects');
    const listSlash = await server.api('GET', '/api/projects/');
    expect(list.body).toEqual(listSlash.body);
    expect(list.body.map((project: { name: string }) => project.name)).toContain('Research');
  });

  it('refuses duplicate names (any case) and invalid input with {detail}', async () => {
    await server.api('POST', '/api/projects', { name: 'Unique One' });
    const duplicate = await server.api('POST', '/api/projects', { name: 'unique one' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.detail).toBe("Project with name 'unique one' already exists");
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(256) }, { name: 'ok', unknown: 1 }, { name: 5 }]) {
      const response = await server.api('POST', '/api/projects', body);
      expect(response.status).toBe(422);
      expect(typeof response.body.detail).toBe('string');
    }
    const malformed = await server.api('POST', '/api/projects', '{"name": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ detail: 'The request body is not valid JSON', code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    const injection = await server.api('GET', '/api/projects/1%20OR%201=1');
    expect(injection.status).toBe(422);
    expect(JSON.stringify(injection.body)).not.toMatch(/SELECT|sqlite|at .*\.ts/);
  });

  it('merges concurrent settings updates: one waiting on a model check does not undo the other', async () => {
    const { body: project } = await server.api('POST', '/api/projects', { name: 'Concurrent settings' });
    server.ollama.models.push({ name: 'qwen2.5:latest', capabilities: ['completion'] });
    server.ollama.showDelayMs = 300;
    const checksBefore = server.ollama.requestsTo('/api/show').length;
    try {
      const [slow, fast] = await Promise.all([
        server.api('PUT', `/api/projects/${project.id}`, { settings: { llm_model: 'qwen2.5:latest' } }),
        (async () => {
          // Sent once the slow update has read the project and is waiting on Ollama's answer.
          while (server.ollama.requestsTo('/api/show').length === checksBefore) await new Promise((resolve) => setTimeout(resolve, 5));
          return server.api('PUT', `/api/projects/${project.id}`, { settings: { retrieval_k: 7 } });
        })(),
      ]);
      expect([slow.status, fast.status]).toEqual([200, 200]);
    } finally {
      server.ollama.showDelayMs = 0;
      server.ollama.models.pop();
    }
    const saved = await server.api('GET', `/api/projects/${project.id}`);
    expect(JSON.parse(saved.body.settings)).toEqual({ llm_model: 'qwen2.5:latest', retrieval_k: 7 });
  });

  it('gets, updates with a settings merge, reports statistics, and soft or hard deletes', async () => {
    const { body: project } = await server.api('POST', '/api/projects', { name: 'Mergeable', settings: { a: 1, b: 2 } });
    const updated = await server.api('PUT', `/api/projects/${project.id}`, { description: 'now described', settings: { b: null, c: 3 } });
    expect(updated.status).toBe(200);
    expect(JSON.parse(updated.body.settings)).toEqual({ a: 1, c: 3 });
    expect(updated.body.description).toBe('now described');

    const chat = await server.api('POST', '/api/chats', { project_id: project.id });
    expect((await server.api('GET', `/api/projects/${project.id}`)).body.chat_count).toBe(1);
    const statistics = await server.api('GET', `/api/projects/${project.id}/statistics`);
    expect(statistics.body).toMatchObject({
      project_id: project.id,
      project_name: 'Mergeable',
      chat_count: 1,
      message_count: 0,
      document_count: 0,
    });

    expect((await server.api('DELETE', `/api/projects/${project.id}`)).status).toBe(204);
    expect((await server.api('GET', `/api/projects/${project.id}`)).status).toBe(404);
    expect((await server.api('GET', `/api/chats/${chat.body.id}`)).status).toBe(404);
    const withDeleted = await server.api('GET', '/api/projects?include_deleted=true');
    expect(withDeleted.body.map((item: { id: number }) => item.id)).toContain(project.id);
    // Its name is free again.
    expect((await server.api('POST', '/api/projects', { name: 'Mergeable' })).status).toBe(201);

    expect((await server.api('DELETE', `/api/projects/${project.id}?hard_delete=true`)).status).toBe(204);
    const after = await server.api('GET', '/api/projects?include_deleted=true');
    expect(after.body.map((item: { id: number }) => item.id)).not.toContain(project.id);
    expect((await server.api('DELETE', `/api/projects/${project.id}`)).status).toBe(404);
    expect((await server.api('GET', '/api/projects/999999')).body).toEqual({ detail: 'Project 999999 not found', code: 'not_found' });
  });

  it('serves health, OpenAPI and the docs UI', async () => {
    expect((await server.api('GET', '/health')).body).toEqual({
      status: 'healthy',
      message: 'DAA Chatbot API is running',
      version: '0.1.0',
    });
    const health = await server.api('GET', '/api/health');
    expect(health.body).toMatchObject({ status: 'ok', database_status: 'connected', ollama_status: 'running', ollama_models_count: 2 });
    // The SQLite store reports its HNSW indexes (none yet: no version is large enough); PostgreSQL has none of its own.
    if (process.env.TEST_STORE === 'postgres') expect(health.body.vector_index).toBeUndefined();
    else expect(health.body.vector_index).toMatchObject({ kind: 'hnsw-f16', min_vectors: 10_000, indexes: 0, vectors: 0, memory_bytes: 0 });
    const openapi = await server.api('GET', '/docs/json');
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/projects', '/api/chats/{chat_id}/messages']));
    const ui = await fetch(`${server.url}/docs`);
    expect(ui.status).toBe(200);
    expect((await server.api('GET', '/api/nothing-here')).status).toBe(404);
  });
});
