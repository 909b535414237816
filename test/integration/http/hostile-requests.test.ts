import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadDocument } from '../../support/documents.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

/** Spellings of an id that `Number()` reads as 1 but that are not ids. */
const NON_CANONICAL_ONES = ['%201', '1%20', '0x1', '1e0', '1.0', '01', '+1', '%2B1', '1.', '0001', '1%09', '9007199254740993'];

describe('path ids: only canonical digits are ids', () => {
  let server: TestServer;
  let projectId: number;
  let chatId: number;
  let documentId: number;
  beforeAll(async () => {
    server = await startTestServer();
    ({ projectId, chatId } = await createProjectAndChat(server, 'Target'));
    const upload = await uploadDocument(server, projectId, {
      filename: 'notes.txt',
      content: 'Plain notes about nothing in particular.',
      type: 'text/plain',
    });
    expect(upload.status).toBe(201);
    documentId = upload.body.document.id;
    expect([projectId, chatId, documentId]).toEqual([1, 1, 1]);
  });
  afterAll(async () => server?.close());

  it.each(NON_CANONICAL_ONES)('%s is refused by every route and deletes nothing', async (spelling) => {
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/api/projects/${spelling}`],
      ['PUT', `/api/projects/${spelling}`, { description: 'changed' }],
      ['GET', `/api/projects/${spelling}/statistics`],
      ['GET', `/api/projects/${spelling}/chats`],
      ['GET', `/api/projects/${spelling}/documents`],
      ['POST', `/api/analytics/projects/${spelling}/test-retrieval`, { query: 'notes' }],
      ['GET', `/api/chats/${spelling}`],
      ['PUT', `/api/chats/${spelling}`, { title: 'changed' }],
      ['GET', `/api/chats/${spelling}/messages`],
      ['GET', `/api/documents/${spelling}`],
      ['GET', `/api/documents/${spelling}/download`],
      ['PATCH', `/api/documents/${spelling}`, { filename: 'changed.txt' }],
      ['DELETE', `/api/documents/${spelling}`],
      ['DELETE', `/api/chats/${spelling}`],
      ['DELETE', `/api/projects/${spelling}?hard_delete=true`],
    ];
    for (const [method, urlPath, body] of attempts) {
      const response = await server.api(method, urlPath, body);
      expect([404, 422], `${method} ${urlPath} → ${response.status}`).toContain(response.status);
    }
    const project = await server.api('GET', `/api/projects/${projectId}`);
    expect([project.status, project.body.description]).toEqual([200, null]);
    expect((await server.api('GET', `/api/chats/${chatId}`)).body.title).not.toBe('changed');
    expect((await server.api('GET', `/api/documents/${documentId}`)).body.filename).toBe('notes.txt');
  });

  it('still answers the canonical id', async () => {
    expect((await server.api('GET', `/api/projects/${projectId}`)).status).toBe(200);
    expect((await server.api('GET', '/api/projects/9007199254740991')).status).toBe(404);
  });
});

describe('deeply nested JSON bodies', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it('answers 400 with a sentence for every JSON route, before any schema recurses', async () => {
    const { projectId } = await createProjectAndChat(server, 'Deep');
    const upload = await uploadDocument(server, projectId, { filename: 'deep.txt', content: 'Some text to index.', type: 'text/plain' });
    const bodies: Array<[string, string, string]> = [
      ['POST', '/api/projects', `{"name":"deep","settings":{"x":${deep(9_000)}}}`],
      ['PUT', `/api/projects/${projectId}`, `{"settings":{"x":${deep(9_000)}}}`],
      ['PATCH', `/api/documents/${upload.body.document.id}`, `{"doc_metadata":{"x":${deep(9_000)}}}`],
      ['PUT', '/api/settings', `{"x":${deep(100_000)}}`],
      ['POST', '/api/chats', `{"project_id":${deep(65)}}`],
    ];
    for (const [method, urlPath, body] of bodies) {
      const response = await server.api(method, urlPath, body);
      expect(response.status, `${method} ${urlPath}`).toBe(400);
      expect(response.body.detail).toMatch(/^The JSON body is nested too deeply/);
    }
    expect((await server.api('GET', '/api/projects')).body.map((project: { name: string }) => project.name)).toEqual(['Deep']);
  });

  it('counts only real nesting: brackets inside strings and ordinary depth are fine', async () => {
    const created = await server.api(
      'POST',
      '/api/projects',
      `{"name":"brackets ${'[{'.repeat(70)} \\" ${'['.repeat(70)}","settings":{"a":{"b":{"c":[1,[2,[3]]]}}}}`,
    );
    expect(created.status).toBe(201);
    const sixtyFour = await server.api('PUT', `/api/projects/${created.body.id}`, `{"settings":{"x":${deep(62)}}}`);
    expect(sixtyFour.status).toBe(200);
  });
});
