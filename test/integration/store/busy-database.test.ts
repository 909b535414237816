import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { holdDatabaseLock, type DatabaseLockHolder } from '../../support/database-lock-holder.ts';
import { connect, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

describe('a database locked by another process', () => {
  let server: TestServer | undefined;
  let holder: DatabaseLockHolder | undefined;
  let socket: ClientSocket | undefined;

  afterEach(async () => {
    socket?.disconnect();
    await holder?.release();
    await server?.close();
    server = holder = socket = undefined;
  });

  it('keeps the event loop serving while a write waits, and the write lands once the lock is given back', async () => {
    // 1. A generous retry budget: the write must outlast the lock, however slow this machine is.
    server = await startTestServer({ DATABASE_BUSY_RETRY_SECONDS: 60 });
    holder = await holdDatabaseLock(path.join(server.dataDir, 'daa.sqlite'));
    // 2. A write that cannot get the lock now.
    let settled = false;
    const created = server.api('POST', '/api/projects', { name: 'waits for the lock' }).finally(() => (settled = true));
    // 3. Meanwhile the server still answers (reads need no write lock in WAL mode). With the old
    //    5-second synchronous busy_timeout, the event loop was blocked and this request waited.
    expect((await server.api('GET', '/health')).status).toBe(200);
    expect((await server.api('GET', '/api/projects')).status).toBe(200);
    expect(settled).toBe(false);
    // 4. The other process commits nothing and lets go: the waiting write goes through.
    await holder.release();
    const response = await created;
    expect(response.status).toBe(201);
    expect(response.body.name).toBe('waits for the lock');
  });

  it('answers 503 with a clear sentence on REST, and an error event on a socket, when the lock outlasts the retry budget', async () => {
    server = await startTestServer({ DATABASE_BUSY_RETRY_SECONDS: 0.2, DATABASE_BUSY_TIMEOUT_MS: 5 });
    const { projectId, chatId } = await createProjectAndChat(server);
    holder = await holdDatabaseLock(path.join(server.dataDir, 'daa.sqlite'));

    const response = await server.api('POST', '/api/projects', { name: 'refused while busy' });
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ detail: 'The database is busy; try again', code: 'database_busy' });
    expect(response.headers.get('retry-after')).toBe('1');

    socket = await connect(server.url);
    socket.emit('join_project', { project_id: projectId });
    await waitFor(socket, 'project_joined');
    const error = waitFor(socket, 'error');
    socket.emit('send_message', { chat_id: chatId, message: 'saved while the database is locked?' });
    expect(await error).toMatchObject({ message: 'The database is busy; try again', code: 'database_busy', chat_id: chatId });

    // Once the lock is gone, the same request works.
    await holder.release();
    expect((await server.api('POST', '/api/projects', { name: 'refused while busy' })).status).toBe(201);
  });
});
