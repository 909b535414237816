import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentStatusLog, isFinal, joinProject, uploadDocuments } from '../../support/documents.ts';
import { makeDocx, makePdf, makeXlsx } from '../../support/document-fixtures.ts';
import { connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

/**
 * `GET /api/projects/{id}/documents/{doc_id}/chunks`: a document's passages in order, paged, each
 * with the position the parsers gave it (PDF page, DOCX heading, sheet and rows), through the real
 * parsers and a real server.
 */
describe('a document’s passages', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let projectId: number;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    server = await startTestServer();
    socket = await connect(server.url);
    const log = new DocumentStatusLog(socket);
    ({ projectId } = await createProjectAndChat(server));
    await joinProject(socket, projectId);
    const pdf = await makePdf(['The first page is about the weather.', 'The second page is about ferries.']);
    const docx = await makeDocx([
      { heading: 'Introduction', paragraphs: ['This handbook explains how the office works.'] },
      { heading: 'Parking', paragraphs: ['Bicycles must be parked in the courtyard.'] },
    ]);
    const rows: (string | number)[][] = [['island', 'ferry']];
    for (let index = 1; index <= 120; index += 1) rows.push([`Island ${index} with a long descriptive name`, `Ferry ${index}`]);
    const xlsx = await makeXlsx([{ name: 'Timetable', rows }]);
    const upload = await uploadDocuments(server, projectId, [
      { filename: 'report.pdf', content: pdf },
      { filename: 'handbook.docx', content: docx },
      { filename: 'times.xlsx', content: xlsx },
    ]);
    expect(upload.body.failed_count).toBe(0);
    for (const document of upload.body.uploaded as Array<{ id: number; filename: string }>) {
      ids[document.filename] = document.id;
      expect((await log.until(document.id, isFinal, 30_000)).status).toBe('completed');
    }
  });
  afterAll(async () => {
    socket?.disconnect();
    await server?.close();
  });

  const passages = (documentId: number, query = '', project = projectId) =>
    server.api('GET', `/api/projects/${project}/documents/${documentId}/chunks${query}`);

  it('lists a PDF’s passages in order with their page', async () => {
    const { status, body } = await passages(ids['report.pdf']!);
    expect(status).toBe(200);
    expect(body).toMatchObject({ document_id: ids['report.pdf'], filename: 'report.pdf', total: 2, offset: 0, limit: 20 });
    expect(body.passages.map((passage: { page: number }) => passage.page)).toEqual([1, 2]);
    expect(body.passages.map((passage: { chunk_index: number }) => passage.chunk_index)).toEqual([0, 1]);
    expect(body.passages[1].content).toContain('ferries');
    expect(body.passages[1].char_count).toBe(body.passages[1].content.length);
  });

  it('gives a DOCX passage its heading and a sheet passage its sheet and rows', async () => {
    const docx = (await passages(ids['handbook.docx']!)).body;
    expect(docx.passages.map((passage: { heading: string }) => passage.heading)).toEqual(['Introduction', 'Parking']);
    expect(docx.passages[0]).toMatchObject({ page: null, sheet: null, rows: null });

    const sheet = (await passages(ids['times.xlsx']!, '?limit=200')).body;
    expect(sheet.total).toBeGreaterThan(1);
    for (const passage of sheet.passages) {
      expect(passage.sheet).toBe('Timetable');
      expect(passage.rows).toMatch(/^\d+-\d+$/);
    }
    // Rows run on from one passage to the next, up to the last row of the sheet (121 with the header).
    const last = sheet.passages.at(-1).rows.split('-').map(Number);
    expect(last[1]).toBe(121);
  });

  it('pages with offset and limit, and the pages add up to the whole', async () => {
    const whole = (await passages(ids['times.xlsx']!, '?limit=200')).body;
    const first = (await passages(ids['times.xlsx']!, '?offset=0&limit=2')).body;
    const second = (await passages(ids['times.xlsx']!, '?offset=2&limit=2')).body;
    expect(first).toMatchObject({ total: whole.total, offset: 0, limit: 2 });
    expect([...first.passages, ...second.passages].map((passage: { chunk_id: number }) => passage.chunk_id)).toEqual(
      whole.passages.slice(0, 4).map((passage: { chunk_id: number }) => passage.chunk_id),
    );
    const past = (await passages(ids['times.xlsx']!, `?offset=${whole.total}`)).body;
    expect(past).toMatchObject({ passages: [], total: whole.total });
  });

  it('refuses bad paging with 422, and another project’s or a missing document with the same 404', async () => {
    expect((await passages(ids['report.pdf']!, '?limit=0')).status).toBe(422);
    expect((await passages(ids['report.pdf']!, '?limit=201')).status).toBe(422);
    expect((await passages(ids['report.pdf']!, '?offset=-1')).status).toBe(422);
    expect((await passages(ids['report.pdf']!, '?page=2')).status).toBe(422);
    const other = await server.api('POST', '/api/projects', { name: 'Another project' });
    const elsewhere = await passages(ids['report.pdf']!, '', other.body.id);
    const missing = await passages(999_999);
    expect(elsewhere.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(elsewhere.body.detail).toBe(`Document ${ids['report.pdf']} not found`);
  });
});
