import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_ACTOR } from '../../../src/server/access/actor.ts';
import { loadConfig } from '../../../src/server/config.ts';
import { createDomain, type Domain } from '../../../src/server/domain.ts';
import { connect, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

const silent = pino({ level: 'silent' });

describe('createDomain on a data dir', () => {
  let server: TestServer | undefined;
  let socket: ClientSocket | undefined;
  const domains: Domain[] = [];
  const dataDirs: string[] = [];
  afterEach(async () => {
    socket?.disconnect();
    for (const domain of domains.splice(0)) await domain.close();
    await server?.close();
    server = undefined;
    for (const dataDir of dataDirs.splice(0)) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('without ownership, leaves a running server its streaming answer and its uploads in flight', async () => {
    // 1. A live server streams a long answer.
    server = await startTestServer();
    socket = await connect(server.url);
    const { chatId } = await createProjectAndChat(server);
    server.ollama.queue({ tokenCount: 100_000, tokenDelayMs: 5 });
    socket.emit('send_message', { chat_id: chatId, message: 'tell me everything' });
    await waitFor(socket, 'message_token', (token) => token.seq === 3);
    const tempDir = path.join(server.dataDir, 'tmp', 'uploads');
    const inFlight = path.join(tempDir, 'an-upload-being-received.part');
    fs.writeFileSync(inFlight, 'half a file');

    // 2. A second domain (a command line, say) opens the same data dir without owning it.
    const second = await createDomain(server.domain.config, { logger: silent, ownsDataDir: false });
    domains.push(second);

    // 3. The server's answer is still streaming, its temp upload is still there, and the second
    //    domain sees the same data.
    const messages = await second.store.messages.listByChat(chatId);
    expect(messages.map((message) => message.status)).toEqual(['complete', 'streaming']);
    expect(fs.existsSync(inFlight)).toBe(true);
    expect((await second.projects.list(LOCAL_ACTOR, { skip: 0, limit: 10, includeDeleted: false })).length).toBe(1);

    // 4. Closing the second domain does not touch the answer either: it goes on and ends as asked.
    await second.close();
    domains.splice(0);
    const seqNow = (await waitFor(socket, 'message_token')).seq;
    await waitFor(socket, 'message_token', (token) => token.seq > seqNow);
    const complete = waitFor(socket, 'message_complete', (data) => data.chat_id === chatId);
    socket.emit('stop_generation', { chat_id: chatId });
    expect((await complete).metadata.status).toBe('stopped');
  });

  it('with ownership, marks answers left streaming as interrupted and removes leftover uploads', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-domain-'));
    dataDirs.push(dataDir);
    const config = loadConfig({}, { DATA_DIR: dataDir, LOG_LEVEL: 'silent', LLM_PROVIDER: 'extractive' } as never);

    // 1. Leave a streaming answer and a half-received upload behind, as a crash would.
    const first = await createDomain(config, { logger: silent, ownsDataDir: false });
    const project = await first.projects.create(LOCAL_ACTOR, { name: 'Crashed' });
    const chat = await first.chats.createChat(LOCAL_ACTOR, { projectId: project.id });
    await first.store.messages.create({ chatId: chat.id, role: 'assistant', content: 'half', status: 'streaming' });
    const leftover = path.join(first.ingestion.files.tempDir, 'cut-short.part');
    fs.writeFileSync(leftover, 'half a file');
    await first.close();

    // 2. The owner opens the data dir and cleans up after the crash.
    const owner = await createDomain(config, { logger: silent, ownsDataDir: true });
    domains.push(owner);
    expect((await owner.store.messages.listByChat(chat.id)).map((message) => message.status)).toEqual(['interrupted']);
    expect(fs.existsSync(leftover)).toBe(false);
  });
});
