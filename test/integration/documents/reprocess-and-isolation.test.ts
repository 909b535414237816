import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ask, connect, type ClientSocket } from '../../support/socket-client.ts';
import { DocumentStatusLog, isFinal, joinProject, testRetrieval, uploadDocument } from '../../support/documents.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

// One long paragraph: how many chunks it gives depends only on the chunk size.
const LONG_TEXT = Array.from(
  { length: 40 },
  (_, index) => `Sentence ${index}: the lighthouse keeper logs weather, tides and passing ships in detail.`,
).join(' ');

describe('documents: reprocessing and project isolation', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let log: DocumentStatusLog;

  beforeEach(async () => {
    server = await startTestServer();
    socket = await connect(server.url);
    log = new DocumentStatusLog(socket);
  });
  afterEach(async () => {
    socket.disconnect();
    await server.close();
  });

  it('reprocess applies the current chunk settings and replaces chunks without duplicates', async () => {
    const { projectId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    const document = (await uploadDocument(server, projectId, { filename: 'log.txt', content: LONG_TEXT })).body.document;
    const first = await log.until(document.id);
    expect(first.status).toBe('completed');
    const before = (await server.api('GET', `/api/documents/${document.id}`)).body.chunk_count;

    await server.api('PUT', `/api/projects/${projectId}`, { settings: { chunk_size: 300, chunk_overlap: 50 } });
    const mark = log.mark(document.id);
    const reprocess = await server.api('POST', `/api/documents/${document.id}/reprocess`);
    expect(reprocess.status).toBe(202);
    expect(reprocess.body).toMatchObject({ id: document.id, status: 'pending', stage: 'queued', progress: 0 });
    const second = await log.until(document.id, isFinal, 15_000, mark);
    expect(second.status).toBe('completed');

    const after = (await server.api('GET', `/api/documents/${document.id}`)).body;
    expect(after.chunk_count).toBeGreaterThan(before);
    expect(after.chunk_count).toBe(second.chunks_total);
    const results = (await testRetrieval(server, projectId, 'lighthouse keeper weather tides ships', 100)).results;
    expect(results).toHaveLength(after.chunk_count);
    expect(new Set(results.map((result) => result.chunk_index)).size).toBe(after.chunk_count);
    expect(Math.max(...results.map((result) => result.text.length))).toBeLessThanOrEqual(300);
    expect((await server.api('GET', `/api/projects/${projectId}`)).body.total_chunks).toBe(after.chunk_count);
  });

  it('a chat in project A never sees project B, even asked with B’s exact text', async () => {
    const a = await createProjectAndChat(server, 'Project A');
    const b = await createProjectAndChat(server, 'Project B');
    const secret = 'The vault code is ZEBRA-7731, hidden under the blue lantern in the cellar.';
    await joinProject(socket, a.projectId);
    const own = (await uploadDocument(server, a.projectId, { filename: 'a.txt', content: 'Project A talks about gardening and roses.' }))
      .body.document;
    await log.until(own.id);
    const other = await connect(server.url);
    const otherLog = new DocumentStatusLog(other);
    await joinProject(other, b.projectId);
    const foreign = (await uploadDocument(server, b.projectId, { filename: 'secret.txt', content: secret })).body.document;
    expect((await otherLog.until(foreign.id)).status).toBe('completed');
    // Project A's room heard nothing of B's document.
    expect(log.of(foreign.id)).toEqual([]);
    other.disconnect();

    const answer = await ask(socket, { chat_id: a.chatId, message: secret });
    const sources = answer.events.find(([name]) => name === 'message_sources')![1].sources;
    expect(sources.every((source: any) => source.metadata.document_id === own.id)).toBe(true);
    // The prompt holds the question once, and no passage of B.
    expect(JSON.stringify(server.ollama.lastChat().body.messages).split('lantern')).toHaveLength(2);
    const retrieved = await testRetrieval(server, a.projectId, secret, 100);
    expect(retrieved.results.map((result) => result.document_id).filter((id) => id !== own.id)).toEqual([]);
    // B itself finds it, so the query would have matched.
    expect((await testRetrieval(server, b.projectId, secret)).results[0].document_id).toBe(foreign.id);
  });
});
