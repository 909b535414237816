import { afterEach, describe, expect, it } from 'vitest';
import { ask, connect, type ClientSocket } from '../../support/socket-client.ts';
import { DocumentStatusLog, joinProject, testRetrieval, uploadDocument } from '../../support/documents.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

// One passage holds the rare words; the others share the question's common words many times, so a
// bag-of-words embedder (the fake Ollama's) leans towards them.
const DOCUMENTS = [
  { filename: 'ledger.txt', content: 'The zymurgy ledger of the old brewery records wort gravity for each batch.' },
  {
    filename: 'beer-a.txt',
    content: 'Beer and ale: the brewing process of beer and ale, beer brewing, ale brewing, the process of brewing beer and ale.',
  },
  { filename: 'beer-b.txt', content: 'Brewing beer at home: the brewing process, the beer, the ale, and the process of brewing again.' },
  { filename: 'bees.txt', content: 'Honeybees pollinate orchards while the wind shapes the harvest of apples in spring.' },
];

describe('retrieval_mode per project, and the tester’s ranks', () => {
  let server: TestServer;
  let socket: ClientSocket;

  afterEach(async () => {
    socket?.disconnect();
    await server?.close();
  });

  async function projectWithDocuments() {
    server = await startTestServer();
    socket = await connect(server.url);
    const log = new DocumentStatusLog(socket);
    const { projectId, chatId } = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    for (const document of DOCUMENTS) {
      const uploaded = (await uploadDocument(server, projectId, document)).body.document;
      expect((await log.until(uploaded.id)).status).toBe('completed');
    }
    return { projectId, chatId };
  }

  const setMode = (projectId: number, mode: unknown) =>
    server.api('PUT', `/api/projects/${projectId}`, { settings: { retrieval_mode: mode } });

  it('searches both indexes by default, one of them when the project says so, and shows each list’s rank', async () => {
    const { projectId } = await projectWithDocuments();
    const query = 'zymurgy ledger of the brewing process for beer and ale';

    const hybrid = await testRetrieval(server, projectId, query);
    expect(hybrid.stats.mode).toBe('hybrid');
    // The rare exact words win although the embedder prefers the beer passages.
    expect(hybrid.results[0].document_name).toBe('ledger.txt');
    expect(hybrid.results[0].full_text_rank).toBe(1);
    for (const result of hybrid.results) {
      expect(result.fused_score).toBe(result.score);
      expect(result.full_text_rank === null || Number.isInteger(result.full_text_rank)).toBe(true);
      expect(result.vector_rank === null || Number.isInteger(result.vector_rank)).toBe(true);
      expect(result.full_text_rank !== null || result.vector_rank !== null).toBe(true);
    }
    expect(hybrid.results.some((result) => result.vector_rank !== null)).toBe(true);

    expect((await setMode(projectId, 'full_text')).status).toBe(200);
    const fullText = await testRetrieval(server, projectId, query);
    expect(fullText.stats).toMatchObject({ mode: 'full_text', embedding_model: null });
    expect(fullText.results.map((result) => result.full_text_rank)).toEqual(fullText.results.map((_, index) => index + 1));
    expect(fullText.results.every((result) => result.vector_rank === null && result.fused_score === null && result.distance === null)).toBe(
      true,
    );
    // The bees passage shares no word with the question: full text never finds it.
    expect(fullText.results.map((result) => result.document_name)).not.toContain('bees.txt');

    expect((await setMode(projectId, 'vector')).status).toBe(200);
    const vector = await testRetrieval(server, projectId, query);
    expect(vector.stats.mode).toBe('vector');
    expect(vector.results.map((result) => result.vector_rank)).toEqual(vector.results.map((_, index) => index + 1));
    expect(vector.results.every((result) => result.full_text_rank === null && typeof result.distance === 'number')).toBe(true);

    // Back to the default by clearing the override; an unknown mode is refused and changes nothing.
    expect((await setMode(projectId, null)).status).toBe(200);
    expect((await testRetrieval(server, projectId, query)).stats.mode).toBe('hybrid');
    const refused = await setMode(projectId, 'semantic');
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/retrieval_mode/);
    expect((await testRetrieval(server, projectId, query)).stats.mode).toBe('hybrid');
  });

  it('searches a short follow-up with the previous question', async () => {
    const { projectId, chatId } = await projectWithDocuments();
    expect((await setMode(projectId, 'full_text')).status).toBe(200);
    const first = await ask(socket, { chat_id: chatId, message: 'What does the zymurgy ledger record?' });
    expect(first.events.find(([name]) => name === 'message_sources')![1].sources[0].metadata.filename).toBe('ledger.txt');
    // Alone, "Why is that?" has no content word and matches no passage.
    expect((await testRetrieval(server, projectId, 'Why is that?')).results).toHaveLength(0);
    const followUp = await ask(socket, { chat_id: chatId, message: 'Why is that?' });
    const sources = followUp.events.find(([name]) => name === 'message_sources')![1].sources;
    expect(sources[0].metadata.filename).toBe('ledger.txt');
  });
});
