import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type ClientSocket } from '../../support/socket-client.ts';
import { DocumentStatusLog, joinProject, uploadDocument, uploadDocuments } from '../../support/documents.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

/** The first bytes of a real PNG (signature + IHDR), plus padding. */
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'), Buffer.alloc(64, 0)]);

function storedFiles(server: TestServer, projectId: number): string[] {
  const directory = path.join(server.dataDir, 'documents', String(projectId));
  return fs.existsSync(directory) ? fs.readdirSync(directory) : [];
}

function tempFiles(server: TestServer): string[] {
  return fs.readdirSync(path.join(server.dataDir, 'tmp', 'uploads'));
}

describe('documents: upload validation and document management', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let log: DocumentStatusLog;

  beforeEach(async () => {
    server = await startTestServer({ MAX_UPLOAD_MB: 1, EMBEDDING_PROVIDER: 'none' });
    socket = await connect(server.url);
    log = new DocumentStatusLog(socket);
  });
  afterEach(async () => {
    socket.disconnect();
    await server.close();
  });

  it('refuses a file past MAX_UPLOAD_MB with 413 and leaves no temp file or document', async () => {
    const { projectId } = await createProjectAndChat(server);
    const big = await uploadDocument(server, projectId, { filename: 'big.txt', content: 'x'.repeat(1024 * 1024 + 10) });
    expect(big.status).toBe(413);
    expect(big.body.detail).toMatch(/exceeds maximum allowed size \(1048576 bytes\)/);
    expect(tempFiles(server)).toEqual([]);
    expect(storedFiles(server, projectId)).toEqual([]);
    expect((await server.api('GET', `/api/projects/${projectId}/documents`)).body).toEqual([]);
    // Exactly at the limit is fine.
    expect((await uploadDocument(server, projectId, { filename: 'edge.txt', content: 'y'.repeat(1024 * 1024) })).status).toBe(201);
  });

  it('decides the type from the bytes: a PNG named .txt or .pdf is refused with 415, nothing stored', async () => {
    const { projectId } = await createProjectAndChat(server);
    for (const filename of ['picture.txt', 'picture.pdf', 'picture.docx', 'notes.exe']) {
      const response = await uploadDocument(server, projectId, { filename, content: PNG, type: 'application/pdf' });
      expect(response.status, filename).toBe(415);
      expect(response.body.code).toBe('unsupported_media_type');
    }
    const legacy = await uploadDocument(server, projectId, { filename: 'old.doc', content: Buffer.from('d0cf11e0a1b11ae1', 'hex') });
    expect(legacy.status).toBe(415);
    expect(legacy.body.detail).toMatch(/\.docx/);
    expect((await uploadDocument(server, projectId, { filename: 'empty.txt', content: '' })).status).toBe(415);
    // The declared type must match the bytes: HTML named .pdf (opened later as a "PDF") is refused.
    const disguised = await uploadDocument(server, projectId, {
      filename: 'invoice.pdf',
      content: '<!DOCTYPE html><html><script>steal()</script></html>',
      type: 'application/pdf',
    });
    expect(disguised).toMatchObject({
      status: 415,
      body: {
        code: 'unsupported_media_type',
        detail: expect.stringMatching(/^This file is named \.pdf but its contents are HTML, not a PDF/),
      },
    });
    const pdfAsText = await uploadDocument(server, projectId, { filename: 'notes.txt', content: Buffer.from('%PDF-1.7\n%%EOF\n') });
    expect(pdfAsText).toMatchObject({
      status: 415,
      body: { detail: 'This file is named .txt but its contents are a PDF: rename it to .pdf or upload the right file' },
    });
    expect(storedFiles(server, projectId)).toEqual([]);
    expect(tempFiles(server)).toEqual([]);
    expect((await server.api('GET', `/api/projects/${projectId}/documents`)).body).toEqual([]);
  });

  it('recognises the same content in a project (409 duplicate_of), but not across projects', async () => {
    const { projectId } = await createProjectAndChat(server);
    const other = await createProjectAndChat(server);
    await joinProject(socket, projectId);
    const content = 'Identical bytes, uploaded twice under two names.';
    const first = await uploadDocument(server, projectId, { filename: 'one.txt', content });
    await log.until(first.body.document.id);
    const again = await uploadDocument(server, projectId, { filename: 'two.txt', content });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'duplicate', duplicate_of: first.body.document.id });
    expect(again.body.detail).toContain('one.txt');
    const bulk = await uploadDocuments(server, projectId, [
      { filename: 'three.txt', content },
      { filename: 'fresh.txt', content: 'Something new.' },
    ]);
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ total: 2, successful: 1, failed_count: 1 });
    expect(bulk.body.failed[0]).toMatchObject({ filename: 'three.txt', code: 'duplicate', duplicate_of: first.body.document.id });
    expect(bulk.body.uploaded[0].filename).toBe('fresh.txt');
    expect(storedFiles(server, projectId)).toHaveLength(2);
    expect((await server.api('GET', `/api/projects/${projectId}`)).body.document_count).toBe(2);
    expect((await uploadDocument(server, other.projectId, { filename: 'one.txt', content })).status).toBe(201);
  });

  it('bulk upload reports each file on its own', async () => {
    const { projectId } = await createProjectAndChat(server);
    const bulk = await uploadDocuments(server, projectId, [
      { filename: 'ok.md', content: '# Title\n\nBody text.' },
      { filename: 'image.pdf', content: PNG },
      { filename: 'huge.txt', content: 'z'.repeat(1024 * 1024 + 1) },
      { filename: 'data.csv', content: 'a,b\n1,2\n' },
    ]);
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ total: 4, successful: 2, failed_count: 2 });
    expect(bulk.body.uploaded.map((document: any) => document.filename)).toEqual(['ok.md', 'data.csv']);
    expect(bulk.body.failed.map((failure: any) => [failure.filename, failure.code])).toEqual([
      ['image.pdf', 'unsupported_media_type'],
      ['huge.txt', 'payload_too_large'],
    ]);
    expect(tempFiles(server)).toEqual([]);
    expect(storedFiles(server, projectId)).toHaveLength(2);
  });

  it('stores hostile file names under server-generated names and serves them back safely', async () => {
    const { projectId } = await createProjectAndChat(server);
    const hostile = [
      '../../etc/passwd.txt',
      '..\\..\\win.ini.txt',
      '/abs/path.md',
      'a\u202Egnp.txt',
      'CON.txt',
      '-rf.txt',
      `${'é'.repeat(300)}.txt`,
      'quote"and;back.txt',
    ];
    const ids: number[] = [];
    for (const [index, filename] of hostile.entries()) {
      const response = await uploadDocument(server, projectId, { filename, content: `hostile name number ${index}` });
      expect(response.status, filename).toBe(201);
      const shown = response.body.document.filename as string;
      expect(shown).not.toMatch(/[/\\\u202E]/u);
      expect(shown).toMatch(/\.(txt|md)$/);
      expect(Buffer.byteLength(shown)).toBeLessThanOrEqual(255);
      ids.push(response.body.document.id);
    }
    const stored = storedFiles(server, projectId);
    expect(stored).toHaveLength(hostile.length);
    for (const name of stored) expect(name).toMatch(/^[0-9a-f-]{36}\.(txt|md)$/);
    // Nothing escaped the data dir.
    expect(fs.existsSync(path.join(server.dataDir, 'etc'))).toBe(false);
    expect(fs.readdirSync(server.dataDir).sort()).toEqual([
      'daa.sqlite',
      'daa.sqlite-shm',
      'daa.sqlite-wal',
      'documents',
      'server.json',
      'tmp',
    ]);

    const first = (await server.api('GET', `/api/documents/${ids[0]}`)).body;
    expect(first.filename).toBe('passwd.txt');
    const download = await fetch(`${server.url}/api/documents/${ids[7]}/download`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/^text\/plain/);
    // The quoted fallback can hold no quote or backslash; filename* carries the exact stored name.
    const shownName = (await server.api('GET', `/api/documents/${ids[7]}`)).body.filename;
    const disposition = /^inline; filename="([^"\\]*)"; filename\*=UTF-8''([^\s;"]+)$/.exec(
      download.headers.get('content-disposition') ?? '',
    );
    expect(disposition).not.toBeNull();
    expect(decodeURIComponent(disposition![2]!)).toBe(shownName);
    expect(download.headers.get('content-security-policy')).toContain('sandbox');
    expect(await download.text()).toBe('hostile name number 7');
    const unicode = await fetch(`${server.url}/api/documents/${ids[6]}/download`);
    await unicode.arrayBuffer();
    expect(unicode.headers.get('content-disposition')).toMatch(/^inline; filename="_+\.txt"; filename\*=UTF-8''(%C3%A9)+\.txt$/);
  });

  it('patches, searches, bulk-deletes and 404s like the original', async () => {
    const { projectId } = await createProjectAndChat(server);
    const a = (await uploadDocument(server, projectId, { filename: 'report-2024.txt', content: 'Annual report.' })).body.document;
    const b = (await uploadDocument(server, projectId, { filename: 'notes.txt', content: 'Meeting notes.' })).body.document;
    const patched = await server.api('PATCH', `/api/documents/${b.id}`, { filename: 'minutes.txt', doc_metadata: { tag: 'quarterly' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ filename: 'minutes.txt', doc_metadata: { tag: 'quarterly' } });
    expect((await server.api('PATCH', `/api/documents/${b.id}`, { stored_name: 'x' })).status).toBe(422);

    const byName = (await server.api('GET', `/api/projects/${projectId}/documents/search?q=REPORT`)).body;
    expect(byName).toMatchObject({ total: 1, query: 'REPORT' });
    expect(byName.documents[0].id).toBe(a.id);
    expect((await server.api('GET', `/api/projects/${projectId}/documents/search?q=quarterly`)).body.documents[0].id).toBe(b.id);
    expect((await server.api('GET', `/api/projects/${projectId}/documents/search?q=%25`)).body.total).toBe(0);

    const bulk = await server.api('POST', '/api/documents/bulk-delete', { document_ids: [a.id, 999_999] });
    expect(bulk.body).toEqual({
      deleted: [a.id],
      failed: [{ document_id: 999_999, error: 'Document not found' }],
      total: 2,
      successful: 1,
      failed_count: 1,
    });
    expect((await server.api('POST', '/api/documents/bulk-delete', { document_ids: [] })).status).toBe(422);
    expect((await server.api('GET', `/api/documents/${a.id}/download`)).status).toBe(404);
    expect((await server.api('GET', '/api/documents/999999')).status).toBe(404);
    expect((await server.api('POST', '/api/documents/999999/reprocess')).status).toBe(404);
    expect((await uploadDocument(server, 999_999, { filename: 'x.txt', content: 'x' })).status).toBe(404);
    expect(tempFiles(server)).toEqual([]);
    const notMultipart = await server.api('POST', `/api/projects/${projectId}/documents`, { file: 'x' });
    expect(notMultipart.status).toBeGreaterThanOrEqual(400);
    expect(notMultipart.status).toBeLessThan(500);
  });

  it('a hard-deleted project takes its files along', async () => {
    const { projectId } = await createProjectAndChat(server);
    await uploadDocument(server, projectId, { filename: 'a.txt', content: 'to be purged' });
    expect(storedFiles(server, projectId)).toHaveLength(1);
    expect((await server.api('DELETE', `/api/projects/${projectId}?hard_delete=true`)).status).toBe(204);
    expect(fs.existsSync(path.join(server.dataDir, 'documents', String(projectId)))).toBe(false);
  });
});
