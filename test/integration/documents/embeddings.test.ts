import { afterEach, describe, expect, it } from 'vitest';
import { ask, connect, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { DocumentStatusLog, isFinal, joinProject, testRetrieval, uploadDocument } from '../../support/documents.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

const ARTICLE = Array.from(
  { length: 40 },
  (_, index) =>
    `Note ${index}: honeybees pollinate orchards while ${['wind', 'rain', 'frost', 'sun'][index % 4]} shapes the harvest of apples.`,
).join(' ');

describe('documents: embeddings, hybrid retrieval and index versions', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let log: DocumentStatusLog;

  async function start(overrides: Record<string, string | number> = {}) {
    server = await startTestServer({ INGEST_RETRY_BASE_SECONDS: 0.05, ...overrides });
    // The startup backfill check has used the embedder once; let it finish before scripting failures.
    await server.embeddingBackfill.check();
    socket = await connect(server.url);
    log = new DocumentStatusLog(socket);
  }
  afterEach(async () => {
    socket?.disconnect();
    await server?.close();
  });

  function embedRequests() {
    return server.ollama.requests.filter((request) => request.path === '/api/embed');
  }

  it('embeds chunks in batches and fuses full-text with vector search', async () => {
    await start({ EMBED_BATCH_SIZE: 3 });
    const { projectId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    await server.api('PUT', `/api/projects/${projectId}`, { settings: { chunk_size: 400, chunk_overlap: 0 } });
    const before = embedRequests().length;
    const document = (await uploadDocument(server, projectId, { filename: 'bees.txt', content: ARTICLE })).body.document;
    const final = await log.until(document.id);
    expect(final.status).toBe('completed');
    const embedding = log.of(document.id).filter((event) => event.stage === 'embedding');
    expect(embedding.length).toBeGreaterThan(1);
    expect(embedding.at(-1)).toMatchObject({ chunks_done: final.chunks_total, chunks_total: final.chunks_total });
    const batches = embedRequests().slice(before);
    expect(batches.length).toBe(Math.ceil(final.chunks_total! / 3));
    expect(batches.every((request) => request.body.model === 'nomic-embed-text' && request.body.input.length <= 3)).toBe(true);
    expect((await server.api('GET', `/api/documents/${document.id}`)).body.embedding_model).toBe('nomic-embed-text');

    const result = await testRetrieval(server, projectId, 'Which insects pollinate orchards?');
    expect(result.stats).toMatchObject({ mode: 'hybrid', embedding_model: 'nomic-embed-text' });
    expect(embedRequests().at(-1)!.body.input).toEqual(['Which insects pollinate orchards?']);
    expect(result.results[0].distance).toBeTypeOf('number');
    expect(result.results[0].score).toBeGreaterThan(result.results.at(-1).score);
    expect(result.results.every((item) => item.score > 0 && item.score <= 1)).toBe(true);
  });

  it('a document whose index write fails part-way keeps no chunk, and a reprocess indexes each chunk once', async () => {
    await start({ EMBED_BATCH_SIZE: 3 });
    const { projectId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    await server.api('PUT', `/api/projects/${projectId}`, { settings: { chunk_size: 400, chunk_overlap: 0 } });
    // The second batch's vectors are one value short: the embedder accepts each batch, the vector
    // table refuses the write in the middle of the document's one transaction.
    server.ollama.embedShortAfter = 1;
    const document = (await uploadDocument(server, projectId, { filename: 'bees.txt', content: ARTICLE })).body.document;
    const failed = await log.until(document.id);
    expect(failed.status).toBe('failed');
    const stored = (await server.api('GET', `/api/documents/${document.id}`)).body;
    expect(stored).toMatchObject({ status: 'failed', chunk_count: 0 });
    expect((await testRetrieval(server, projectId, 'honeybees pollinate orchards')).results).toEqual([]);

    server.ollama.embedShortAfter = undefined;
    const mark = log.mark(document.id);
    expect((await server.api('POST', `/api/documents/${document.id}/reprocess`)).status).toBe(202);
    const final = await log.until(document.id, undefined, 15_000, mark);
    expect(final.status).toBe('completed');
    const table = (await server.api('GET', `/api/analytics/projects/${projectId}/chunks?limit=200`)).body;
    const indexes = table.chunks.map((row: { chunk_index: number }) => row.chunk_index);
    expect(table.total).toBe(final.chunks_total);
    expect(new Set(indexes).size).toBe(final.chunks_total);
    expect(table.chunks.every((row: { embedding_dimension: number | null }) => row.embedding_dimension === 768)).toBe(true);
    const result = await testRetrieval(server, projectId, 'honeybees pollinate orchards');
    expect(result.stats.mode).toBe('hybrid');
    expect(result.results.length).toBeGreaterThan(0);
  });

  it('indexes for full text while no embedder answers, then embeds in the background once one does', async () => {
    await start();
    const embedModel = server.ollama.models.find((model) => model.capabilities.includes('embedding'))!;
    server.ollama.models = server.ollama.models.filter((model) => model !== embedModel);
    const { projectId, chatId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    const document = (await uploadDocument(server, projectId, { filename: 'bees.txt', content: ARTICLE })).body.document;
    expect((await log.until(document.id)).status).toBe('completed');
    expect((await server.api('GET', `/api/documents/${document.id}`)).body.embedding_model).toBeNull();
    expect((await testRetrieval(server, projectId, 'honeybees orchards')).stats).toMatchObject({
      mode: 'full_text',
      embedding_model: null,
    });
    const answer = await ask(socket, { chat_id: chatId, message: 'Tell me about honeybees' });
    expect(answer.events.find(([name]) => name === 'message_sources')![1].sources.length).toBeGreaterThan(0);

    server.ollama.models.push(embedModel);
    const activated = waitFor(
      socket,
      'project_update',
      (update) => update.type === 'project_updated' && 'embedding_index_id' in update.data,
    );
    await server.embeddingBackfill.check();
    expect((await activated).data).toMatchObject({ embedding_model: 'nomic-embed-text' });
    expect((await testRetrieval(server, projectId, 'honeybees orchards')).stats).toMatchObject({
      mode: 'hybrid',
      embedding_model: 'nomic-embed-text',
    });
    expect((await server.api('GET', `/api/documents/${document.id}`)).body.embedding_model).toBe('nomic-embed-text');
  });

  it('retries a failing embedding server with backoff and completes', async () => {
    await start();
    const { projectId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    server.ollama.embedFailures = 2;
    const document = (await uploadDocument(server, projectId, { filename: 'bees.txt', content: ARTICLE })).body.document;
    const final = await log.until(document.id);
    expect(final.status).toBe('completed');
    const retries = log.of(document.id).filter((event) => event.stage === 'queued' && event.error);
    expect(retries).toHaveLength(2);
    expect(retries[0]!.error).toMatch(/HTTP 500.*attempt 1 of 5/);
    expect(server.ollama.embedFailures).toBe(0);
    const progress = log.of(document.id).map((event) => event.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect((await server.api('GET', `/api/documents/${document.id}`)).body).toMatchObject({
      status: 'completed',
      embedding_model: 'nomic-embed-text',
      error_message: null,
    });
  });

  it('fails the document with the reason after the last attempt, never leaving it processing', async () => {
    await start({ INGEST_MAX_ATTEMPTS: 2 });
    const { projectId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    server.ollama.embedFailures = 1_000;
    const document = (await uploadDocument(server, projectId, { filename: 'bees.txt', content: ARTICLE })).body.document;
    const final = await log.until(document.id);
    expect(final).toMatchObject({ status: 'failed', stage: 'failed' });
    expect(final.error).toMatch(/^Embedding failed: .*HTTP 500/);
    const stored = (await server.api('GET', `/api/documents/${document.id}`)).body;
    expect(stored).toMatchObject({ status: 'failed', chunk_count: 0 });
    expect(stored.error_message).toBe(final.error);
    // A failed document is not half searchable.
    server.ollama.embedFailures = 0;
    expect((await testRetrieval(server, projectId, 'honeybees orchards')).results).toEqual([]);

    const mark = log.mark(document.id);
    expect((await server.api('POST', `/api/documents/${document.id}/reprocess`)).status).toBe(202);
    expect((await log.until(document.id, isFinal, 15_000, mark)).status).toBe('completed');
    expect((await server.api('GET', `/api/documents/${document.id}`)).body.error_message).toBeNull();
  });

  it('deleting a document mid-embedding cancels its job; the queue goes on', async () => {
    await start();
    const { projectId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    server.ollama.embedDelayMs = 2_000;
    const slow = (await uploadDocument(server, projectId, { filename: 'slow.txt', content: ARTICLE })).body.document;
    await log.until(slow.id, (event) => event.stage === 'chunking');
    // Wait until the document's first batch is at the embedding server (which takes 2 s to answer).
    const deadline = Date.now() + 5_000;
    while (!embedRequests().some((request) => !request.ended && !request.hungUp) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const pending = embedRequests().find((request) => !request.ended && !request.hungUp)!;
    expect(pending).toBeDefined();
    expect((await server.api('DELETE', `/api/documents/${slow.id}`)).status).toBe(204);
    await pending.settled;
    expect(pending.hungUp).toBe(true);
    server.ollama.embedDelayMs = 0;
    const next = (await uploadDocument(server, projectId, { filename: 'next.txt', content: 'Another document about wasps.' })).body
      .document;
    expect((await log.until(next.id)).status).toBe('completed');
    expect(log.of(slow.id).some((event) => event.status === 'completed')).toBe(false);
    expect(
      (await testRetrieval(server, projectId, 'honeybees orchards apples')).results.every((result) => result.document_id === next.id),
    ).toBe(true);
  });

  it('a new embedding model builds a new index version while the old one keeps answering, then switches', async () => {
    await start({ EMBED_BATCH_SIZE: 2 });
    server.ollama.models.push({ name: 'all-minilm:latest', capabilities: ['embedding'], embeddingLength: 384 });
    const { projectId, chatId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    await server.api('PUT', `/api/projects/${projectId}`, { settings: { chunk_size: 200, chunk_overlap: 0 } });
    const document = (await uploadDocument(server, projectId, { filename: 'bees.txt', content: ARTICLE })).body.document;
    const final = await log.until(document.id);
    expect(final.chunks_total).toBeGreaterThanOrEqual(12);
    expect((await testRetrieval(server, projectId, 'honeybees')).stats.embedding_model).toBe('nomic-embed-text');

    // Each embedding call now takes 300 ms: the rebuild spans several seconds.
    server.ollama.embedDelayMs = 300;
    const activated = waitFor(
      socket,
      'project_update',
      (update) => update.type === 'project_updated' && 'embedding_index_id' in update.data,
      30_000,
    );
    let switched = false;
    void activated.then(() => (switched = true));
    await server.api('PUT', `/api/projects/${projectId}`, { settings: { embedding_model: 'all-minilm' } });

    const during = await testRetrieval(server, projectId, 'honeybees pollinate');
    expect(switched).toBe(false);
    expect(during.stats).toMatchObject({ mode: 'hybrid', embedding_model: 'nomic-embed-text' });
    const chat = await ask(socket, { chat_id: chatId, message: 'Which insects pollinate?' });
    expect(chat.complete).toBeDefined();
    expect(chat.events.find(([name]) => name === 'message_sources')![1].sources.length).toBeGreaterThan(0);
    const indexes = await server.store.vectors.listIndexes(projectId);
    expect(indexes.map((index) => [index.model, index.status])).toEqual([
      ['nomic-embed-text', 'active'],
      ['all-minilm', 'building'],
    ]);

    expect((await activated).data).toMatchObject({ embedding_model: 'all-minilm' });
    server.ollama.embedDelayMs = 0;
    const after = await testRetrieval(server, projectId, 'honeybees pollinate');
    expect(after.stats).toMatchObject({ mode: 'hybrid', embedding_model: 'all-minilm' });
    expect(embedRequests().at(-1)!.body.model).toBe('all-minilm');
    const [old, current] = await server.store.vectors.listIndexes(projectId);
    expect([old!.status, current!.status, current!.dimensions]).toEqual(['retired', 'active', 384]);
    expect(await server.store.vectors.countVectors(current!.id)).toBe(final.chunks_total);
    const again = await ask(socket, { chat_id: chatId, message: 'Which insects pollinate?' });
    expect(again.complete.metadata.status).toBe('complete');
  });
});
