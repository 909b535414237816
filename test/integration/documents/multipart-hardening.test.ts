import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uploadDocuments } from '../../support/documents.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

/**
 * Bodies fetch cannot make, sent over a raw socket: malformed multipart is a 4xx with a sentence
 * (never a 500), too many files stores nothing, and a body past the limit is not read to its end.
 */
interface RawResponse {
  status: number;
  headers: string;
  body: string;
  /** The server closed the connection (after answering). */
  closed: boolean;
}

/** Sends `head` + `body` on a new connection and resolves with the answer once the server ends it (or `end` is sent). */
function rawRequest(server: TestServer, options: { head: string; body: Buffer | string; endAfterBody?: boolean }): Promise<RawResponse> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let received = '';
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      const match = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(received);
      if (!match) return;
      const [, status, headers, rest] = match;
      const length = Number(/content-length: (\d+)/i.exec(headers!)?.[1] ?? NaN);
      if (!closed && !(Number.isFinite(length) && Buffer.byteLength(rest!) >= length)) return;
      settled = true;
      resolve({ status: Number(status), headers: headers!, body: rest!.slice(0, Number.isFinite(length) ? length : undefined), closed });
      socket.destroy();
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      finish(false);
    });
    socket.on('close', () => {
      finish(true);
      if (!settled) reject(new Error(`connection closed without an answer: ${JSON.stringify(received.slice(0, 200))}`));
    });
    socket.on('error', () => {});
    socket.write(options.head);
    socket.write(options.body);
    if (options.endAfterBody) socket.end();
  });
}

function head(projectId: number, contentType: string, contentLength: number, route = 'documents'): string {
  return (
    `POST /api/projects/${projectId}/${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\n` +
    `Content-Length: ${contentLength}\r\n\r\n`
  );
}

function filePart(boundary: string, filename: string, content: string, field = 'file'): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n`;
}

describe('multipart uploads: malformed bodies and limits', () => {
  let server: TestServer;
  let projectId: number;

  beforeEach(async () => {
    server = await startTestServer({ MAX_UPLOAD_MB: 1, MAX_UPLOAD_FILES: 3, EMBEDDING_PROVIDER: 'none' });
    ({ projectId } = await createProjectAndChat(server));
  });
  afterEach(async () => {
    await server.close();
  });

  function storedFiles(): string[] {
    const directory = path.join(server.dataDir, 'documents', String(projectId));
    return fs.existsSync(directory) ? fs.readdirSync(directory) : [];
  }
  const tempFiles = () => fs.readdirSync(path.join(server.dataDir, 'tmp', 'uploads'));

  async function expectNothingStored() {
    expect(storedFiles()).toEqual([]);
    expect(tempFiles()).toEqual([]);
    expect((await server.api('GET', `/api/projects/${projectId}/documents`)).body).toEqual([]);
  }

  it('answers malformed multipart with a 400 and a sentence: no boundary, wrong boundary, body cut short', async () => {
    const body = `${filePart('real', 'a.txt', 'hello')}--real--\r\n`;
    const cases = [
      { name: 'no boundary', contentType: 'multipart/form-data', body },
      { name: 'boundary mismatch', contentType: 'multipart/form-data; boundary=other', body },
      { name: 'truncated', contentType: 'multipart/form-data; boundary=real', body: filePart('real', 'a.txt', 'hello').slice(0, 60) },
    ];
    for (const route of ['documents', 'documents/bulk']) {
      for (const testCase of cases) {
        const field = route === 'documents' ? 'file' : 'files';
        const payload = testCase.body.replace('name="file"', `name="${field}"`);
        const response = await rawRequest(server, {
          head: head(projectId, testCase.contentType, Buffer.byteLength(payload), route),
          body: payload,
        });
        expect(response.status, `${route}: ${testCase.name}`).toBe(400);
        expect(JSON.parse(response.body).detail, testCase.name).toMatch(/^The upload is not valid multipart\/form-data .*\)$/);
      }
    }
    await expectNothingStored();
  });

  it('refuses a bulk upload past MAX_UPLOAD_FILES as a whole: 413, nothing stored, no temp files', async () => {
    const files = Array.from({ length: 5 }, (_, index) => ({ filename: `f${index}.txt`, content: `file number ${index}` }));
    const response = await uploadDocuments(server, projectId, files);
    expect(response.status).toBe(413);
    expect(response.body.detail).toBe('At most 3 files can be uploaded in one request');
    await expectNothingStored();
    // At the limit it is fine.
    expect((await uploadDocuments(server, projectId, files.slice(0, 3))).body).toMatchObject({ successful: 3 });
  });

  it('stops reading an upload at the size limit: 413 before the rest of the body is sent, then the connection closes', async () => {
    const boundary = 'limit';
    const start = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`;
    // Declares 50 MB, sends 1.25 MB (past the 1 MB limit) and then nothing: the server must answer anyway.
    const sent = Buffer.concat([Buffer.from(start), Buffer.alloc(1.25 * 1024 * 1024, 'x')]);
    const response = await rawRequest(server, {
      head: head(projectId, `multipart/form-data; boundary=${boundary}`, 50 * 1024 * 1024),
      body: sent,
    });
    expect(response.status).toBe(413);
    expect(response.headers).toMatch(/connection: close/i);
    expect(JSON.parse(response.body).detail).toBe('File exceeds maximum allowed size (1048576 bytes)');
    await expectNothingStored();
  });
});
