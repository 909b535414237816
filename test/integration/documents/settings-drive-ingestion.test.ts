import { afterEach, describe, expect, it } from 'vitest';
import { DocumentStatusLog, joinProject, testRetrieval, uploadDocument } from '../../support/documents.ts';
import { connect, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

const TEXT = Array.from({ length: 60 }, (_, index) => `Sentence ${index} says that comets carry ice and dust around the sun.`).join(' ');

describe('global settings drive the next ingestion', () => {
  let server: TestServer;
  let socket: ClientSocket;
  afterEach(async () => {
    socket?.disconnect();
    await server?.close();
  });

  it('chunk size and overlap from PUT /api/settings', async () => {
    server = await startTestServer();
    socket = await connect(server.url);
    const log = new DocumentStatusLog(socket);
    const { body: project } = await server.api('POST', '/api/projects', { name: 'Chunking' });
    await joinProject(socket, project.id);

    const first = (await uploadDocument(server, project.id, { filename: 'a.txt', content: TEXT })).body.document;
    const before = await log.until(first.id);
    expect((await server.api('PUT', '/api/settings', { default_chunk_size: 300, default_chunk_overlap: 0 })).status).toBe(200);
    const second = (await uploadDocument(server, project.id, { filename: 'b.txt', content: `${TEXT} Again.` })).body.document;
    const after = await log.until(second.id);

    expect(before.chunks_total).toBeGreaterThan(0);
    expect(after.chunks_total!).toBeGreaterThan(before.chunks_total! * 2);
    const results = (await testRetrieval(server, project.id, 'comets ice dust', 50)).results.filter(
      (result: { document_id: number }) => result.document_id === second.id,
    );
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((result: { text: string }) => result.text.length <= 300)).toBe(true);
  });

  it('a new default embedding model re-embeds every project into a new index version at once', async () => {
    server = await startTestServer({ EMBED_BACKFILL_INTERVAL_SECONDS: 3600 });
    server.ollama.models.push({ name: 'all-minilm:latest', capabilities: ['embedding'], embeddingLength: 384 });
    socket = await connect(server.url);
    const log = new DocumentStatusLog(socket);
    const { body: project } = await server.api('POST', '/api/projects', { name: 'Embedding' });
    await joinProject(socket, project.id);
    const document = (await uploadDocument(server, project.id, { filename: 'c.txt', content: TEXT })).body.document;
    await log.until(document.id);
    expect((await testRetrieval(server, project.id, 'comets')).stats).toMatchObject({
      mode: 'hybrid',
      embedding_model: 'nomic-embed-text',
    });

    const switched = waitFor(
      socket,
      'project_update',
      (update) => update.type === 'project_updated' && update.data.embedding_model === 'all-minilm',
      20_000,
    );
    expect((await server.api('PUT', '/api/settings', { default_embedding_model: 'all-minilm' })).status).toBe(200);
    await switched;
    expect((await testRetrieval(server, project.id, 'comets')).stats).toMatchObject({ mode: 'hybrid', embedding_model: 'all-minilm' });
    const indexes = await server.store.vectors.listIndexes(project.id);
    expect(indexes.map((index) => [index.model, index.status, index.dimensions])).toEqual([
      ['nomic-embed-text', 'retired', 768],
      ['all-minilm', 'active', 384],
    ]);
  });
});
