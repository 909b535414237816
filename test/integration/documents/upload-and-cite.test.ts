import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ask, connect, type ClientSocket } from '../../support/socket-client.ts';
import { DocumentStatusLog, joinProject, testRetrieval, uploadDocument } from '../../support/documents.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

const GUIDE = [
  '# Greenhouse guide',
  '',
  'Tomatoes need at least eight hours of sunlight every day and steady watering.',
  '',
  '## Pests',
  '',
  'Whiteflies are controlled with yellow sticky traps and by introducing Encarsia formosa wasps.',
  '',
  ...Array.from({ length: 30 }, (_, index) => `Filler paragraph ${index} about soil, compost and crop rotation in general terms.`),
].join('\n');

function csvWithAnswerAt(row: number): string {
  const lines = ['city,country,landmark'];
  for (let index = 1; index <= 60; index += 1) {
    lines.push(index === row ? 'Quixotica,Neverland,zeppelinarium' : `Town${index},Country${index},square${index}`);
  }
  return lines.join('\n');
}

describe('documents: upload → progress → cited answers → delete', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let log: DocumentStatusLog;

  beforeEach(async () => {
    server = await startTestServer({ LLM_PROVIDER: 'extractive' });
    socket = await connect(server.url);
    log = new DocumentStatusLog(socket);
  });
  afterEach(async () => {
    socket.disconnect();
    await server.close();
  });

  it('streams document_status in stage order with rising progress, then answers citing the document', async () => {
    const { projectId, chatId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    const updates: any[] = [];
    socket.on('project_update', (update) => updates.push(update));

    const upload = await uploadDocument(server, projectId, { filename: 'greenhouse.md', content: GUIDE });
    expect(upload.status).toBe(201);
    expect(upload.body.message).toMatch(/queued/);
    const document = upload.body.document;
    expect(document).toMatchObject({
      project_id: projectId,
      filename: 'greenhouse.md',
      file_type: 'md',
      status: 'pending',
      stage: 'queued',
      progress: 0,
    });
    expect(document.content_hash).toMatch(/^[0-9a-f]{64}$/);

    const final = await log.until(document.id);
    expect(final).toMatchObject({ status: 'completed', stage: 'completed', progress: 100, project_id: projectId });
    const events = log.of(document.id);
    const stages = events.map((event) => event.stage);
    const order = ['queued', 'parsing', 'chunking', 'embedding', 'indexing', 'completed'];
    expect(stages[0]).toBe('queued');
    expect(stages.map((stage) => order.indexOf(stage!))).toEqual([...stages.map((stage) => order.indexOf(stage!))].sort((a, b) => a - b));
    expect(stages).toEqual(expect.arrayContaining(['parsing', 'chunking', 'indexing', 'completed']));
    const progress = events.map((event) => event.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(final.chunks_total).toBeGreaterThan(1);
    expect(final.chunks_done).toBe(final.chunks_total);
    expect(updates.some((update) => update.type === 'document_added' && update.data.document_id === document.id)).toBe(true);

    const stored = (await server.api('GET', `/api/documents/${document.id}`)).body;
    expect(stored).toMatchObject({
      status: 'completed',
      stage: 'completed',
      progress: 100,
      chunk_count: final.chunks_total,
      error_message: null,
    });
    expect(stored.word_count).toBeGreaterThan(50);

    const answer = await ask(socket, { chat_id: chatId, message: 'How do I control whiteflies?' });
    const sources = answer.events.find(([name]) => name === 'message_sources')![1].sources;
    expect(sources.length).toBeGreaterThan(0);
    expect(sources[0]).toMatchObject({ metadata: { document_id: document.id, filename: 'greenhouse.md' } });
    expect(sources[0].content).toContain('Encarsia formosa');
    expect(sources[0].score).toBeGreaterThan(0);
    expect(sources[0].score).toBeLessThanOrEqual(1);
    const { start_char: start, end_char: end } = sources[0].metadata;
    expect(end).toBeGreaterThan(start);
    const saved = (await server.api('GET', `/api/chats/${chatId}/messages`)).body;
    expect(saved[1].sources[0].metadata.document_id).toBe(document.id);

    // Delete: nothing of it is retrievable once the call returns, and its file is gone.
    const files = fs.readdirSync(path.join(server.dataDir, 'documents', String(projectId)));
    expect(files).toHaveLength(1);
    const deleted = await server.api('DELETE', `/api/documents/${document.id}`);
    expect(deleted.status).toBe(204);
    expect((await testRetrieval(server, projectId, 'whiteflies Encarsia formosa')).results).toEqual([]);
    const after = await ask(socket, { chat_id: chatId, message: 'How do I control whiteflies?' });
    expect(after.events.find(([name]) => name === 'message_sources')![1].sources).toEqual([]);
    expect(fs.readdirSync(path.join(server.dataDir, 'documents', String(projectId)))).toEqual([]);
    expect((await server.api('GET', `/api/documents/${document.id}`)).status).toBe(404);
    expect(updates.some((update) => update.type === 'document_deleted' && update.data.document_id === document.id)).toBe(true);
  });

  it('cites the sheet rows of a CSV answer, with the header repeated in the chunk', async () => {
    const { projectId, chatId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    await server.api('PUT', `/api/projects/${projectId}`, { settings: { chunk_size: 300, chunk_overlap: 0 } });
    const upload = await uploadDocument(server, projectId, { filename: 'places.csv', content: csvWithAnswerAt(37) });
    expect(upload.status).toBe(201);
    expect(upload.body.document.file_type).toBe('csv');
    expect((await log.until(upload.body.document.id)).status).toBe('completed');

    const answer = await ask(socket, { chat_id: chatId, message: 'Which city has the zeppelinarium?' });
    const [top] = answer.events.find(([name]) => name === 'message_sources')![1].sources;
    expect(top.metadata.document_id).toBe(upload.body.document.id);
    expect(top.content).toContain('Quixotica');
    expect(top.content).toContain('city');
    const [first, last] = String(top.metadata.rows).split('-').map(Number);
    // Data row 37 is spreadsheet row 38 (the header is row 1); the cited range is a small window around it.
    expect(first).toBeLessThanOrEqual(38);
    expect(last).toBeGreaterThanOrEqual(37);
    expect(last! - first!).toBeLessThan(30);
    expect(answer.text).toContain('Quixotica');
  });

  it('lets a late client read every document state over REST', async () => {
    const { projectId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    const first = await uploadDocument(server, projectId, { filename: 'a.txt', content: 'Alpha document about apples.' });
    const second = await uploadDocument(server, projectId, { filename: 'b.txt', content: 'Beta document about bananas.' });
    await log.until(first.body.document.id);
    await log.until(second.body.document.id);
    const list = (await server.api('GET', `/api/projects/${projectId}/documents`)).body;
    expect(list.map((document: any) => [document.filename, document.status, document.progress])).toEqual([
      ['b.txt', 'completed', 100],
      ['a.txt', 'completed', 100],
    ]);
    expect((await server.api('GET', `/api/projects/${projectId}/documents?status_filter=COMPLETED`)).body).toHaveLength(2);
    expect((await server.api('GET', `/api/projects/${projectId}/documents?status_filter=failed`)).body).toHaveLength(0);
    expect((await server.api('GET', `/api/projects/${projectId}/documents?status_filter=bogus`)).status).toBe(422);
    expect((await server.api('GET', `/api/projects/${projectId}/documents?limit=1&skip=1`)).body.map((d: any) => d.filename)).toEqual([
      'a.txt',
    ]);
    const project = (await server.api('GET', `/api/projects/${projectId}`)).body;
    expect(project.document_count).toBe(2);
    expect(project.total_chunks).toBe(2);
  });
});
