import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentStatusLog, isFinal, joinProject, uploadDocuments } from '../../support/documents.ts';
import { ask, connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

const TOPICS = [
  'lighthouse keeper',
  'orchard apples',
  'violin workshop',
  'glacier research',
  'bakery ovens',
  'railway signals',
  'beekeeping hives',
  'harbour cranes',
  'library archives',
  'vineyard harvest',
  'observatory telescope',
  'pottery kiln',
  'sawmill timber',
  'dairy cheese',
  'textile looms',
  'brewery hops',
  'quarry granite',
  'fishery nets',
  'printing press',
  'clockmaker gears',
  'tannery leather',
  'salt marsh',
  'windmill sails',
  'ferry timetable',
  'mountain hut',
];
const REFUSAL = "I could not find this in the project's documents.";

/**
 * `documents_only` with vectors alone: the floor is relative to the index's own baseline (the
 * question's similarity to a sample of the project's passages), not a fixed cosine. Through a real
 * server and the fake Ollama's bag-of-words embedder.
 */
describe('documents_only: relevance judged against the project’s own baseline', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let chatId: number;

  beforeAll(async () => {
    server = await startTestServer();
    const created = await createProjectAndChat(server);
    chatId = created.chatId;
    socket = await connect(server.url);
    await joinProject(socket, created.projectId);
    const log = new DocumentStatusLog(socket);
    const upload = await uploadDocuments(
      server,
      created.projectId,
      TOPICS.map((topic, index) => ({
        filename: `note-${index}.txt`,
        content: `Notes ${index} on the ${topic}. The ${topic} needs care every season; the crew of the ${topic} writes it down.`,
      })),
    );
    expect(upload.body.failed_count).toBe(0);
    for (const document of upload.body.uploaded as Array<{ id: number }>)
      expect((await log.until(document.id, isFinal, 30_000)).status).toBe('completed');
    const settings = await server.api('PUT', `/api/projects/${created.projectId}`, {
      settings: { answer_mode: 'documents_only', retrieval_mode: 'vector' },
    });
    expect(settings.status).toBe(200);
  });
  afterAll(async () => {
    socket?.disconnect();
    await server?.close();
  });

  it('answers a question whose best passage stands out, even below the old fixed cosine of 0.5', async () => {
    server.ollama.queue({ tokens: ['From the notes [1].'] });
    // Two words of one note among many of none: a low cosine, far above what the others score.
    const answered = await ask(socket, {
      chat_id: chatId,
      message: 'Tell me please anything you happen to know quickly today about beekeeping hives',
    });
    const sources = answered.events.find(([event]) => event === 'message_sources')?.[1].sources as Array<{
      score: number;
      metadata: { filename: string };
    }>;
    expect(sources[0]!.metadata.filename).toBe('note-6.txt');
    expect(sources[0]!.score).toBeLessThan(0.5);
    expect(answered.text).toBe('From the notes [1].');
  });

  it('refuses, without the model, a question no passage stands out for', async () => {
    const calls = server.ollama.chatRequests().length;
    const refused = await ask(socket, { chat_id: chatId, message: 'Quantum zebra xylophone jazz?' });
    expect(refused.text).toBe(REFUSAL);
    expect(refused.complete.metadata).toMatchObject({ model: 'documents_only', sources_count: 0 });
    expect(server.ollama.chatRequests().length).toBe(calls);
  });
});
