import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentStatusLog, joinProject, uploadDocuments } from '../../support/documents.ts';
import { makeDocx, makePdf, makeXlsx } from '../../support/document-fixtures.ts';
import { ask, connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

/**
 * Real PDF, DOCX and XLSX files through the real parsers: each answer's sources point at the
 * page, the section, or the sheet and rows where the fact is, and the model sees them numbered.
 */
describe('citations with positions, for every office format', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let chatId: number;

  beforeAll(async () => {
    server = await startTestServer();
    socket = await connect(server.url);
    const log = new DocumentStatusLog(socket);
    const created = await createProjectAndChat(server);
    chatId = created.chatId;
    await joinProject(socket, created.projectId);
    const pdf = await makePdf([
      'Annual report. The first page talks about the weather and the staff picnic.',
      'Finances. Revenue from lighthouse tours grew to 4.2 million euros this year.',
      'Outlook. Next year we plan new ferries.',
    ]);
    const docx = await makeDocx([
      { heading: 'Introduction', paragraphs: ['This handbook explains how the office works.'] },
      { heading: 'Parking', paragraphs: ['Bicycles must be parked in the courtyard behind the bakery.'] },
    ]);
    const rows: (string | number)[][] = [['island', 'ferry', 'minutes']];
    for (let index = 1; index <= 80; index += 1)
      rows.push(index === 57 ? ['Zanzibarra', 'Nautilus Express', 95] : [`Island ${index}`, `Ferry ${index}`, index]);
    const xlsx = await makeXlsx([
      { name: 'Summary', rows: [['note'], ['Crossing times are on the Timetable sheet']] },
      { name: 'Timetable', rows },
    ]);
    const upload = await uploadDocuments(server, created.projectId, [
      { filename: 'report.pdf', content: pdf },
      { filename: 'handbook.docx', content: docx },
      { filename: 'ferries.xlsx', content: xlsx },
    ]);
    expect(upload.body.successful).toBe(3);
    for (const document of upload.body.uploaded) expect((await log.until(document.id)).status).toBe('completed');
  });
  afterAll(async () => {
    socket?.disconnect();
    await server?.close();
  });

  async function topSource(question: string) {
    const answer = await ask(socket, { chat_id: chatId, message: question, top_k: 3 });
    expect(answer.complete?.metadata.status).toBe('complete');
    const sources = answer.events.find(([name]) => name === 'message_sources')![1].sources;
    return { top: sources[0], prompt: server.ollama.lastChat().body.messages.at(-1).content as string };
  }

  it('PDF: the page', async () => {
    const { top, prompt } = await topSource('How much revenue came from lighthouse tours?');
    expect(top.metadata).toMatchObject({ filename: 'report.pdf', page: 2 });
    expect(top.content).toContain('4.2 million euros');
    expect(prompt).toContain('[1] ("report.pdf", page 2)');
  });

  it('DOCX: the section heading', async () => {
    const { top, prompt } = await topSource('Where must bicycles be parked?');
    expect(top.metadata).toMatchObject({ filename: 'handbook.docx', heading: 'Parking' });
    expect(prompt).toContain('[1] ("handbook.docx", section "Parking")');
  });

  it('XLSX: the sheet and the rows, with the header in the passage', async () => {
    const { top, prompt } = await topSource('Which ferry goes to Zanzibarra?');
    expect(top.metadata).toMatchObject({ filename: 'ferries.xlsx', sheet: 'Timetable' });
    expect(top.content.split('\n')[0]).toContain('island');
    expect(top.content).toContain('Nautilus Express');
    // Island 57 is data row 57, spreadsheet row 58 (the header is row 1).
    const [first, last] = String(top.metadata.rows).split('-').map(Number);
    expect(first).toBeLessThanOrEqual(58);
    expect(last).toBeGreaterThanOrEqual(58);
    expect(prompt).toMatch(/\[1\] \("ferries\.xlsx", sheet "Timetable", rows "\d+-\d+"\)/);
  });
});
